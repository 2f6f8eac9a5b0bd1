import { type Actor, applyTimerCommand, type PublicDoc } from '@podium/shared'
import type { TickPlan } from './plan.ts'

/**
 * The timer step: a pending timer command applied with the server's clock, and audited.
 * The actor is the connection that wrote the command (`writerOf`); what the command says
 * of its author is not evidence, and a command found in a loaded document has no known
 * actor.
 */
export function timerStep(
  pub: PublicDoc,
  plan: TickPlan,
  writerOf: (commandId: string) => Actor | null,
): void {
  const command = pub.pendingTimerCommand()
  if (!command) return
  const timer = applyTimerCommand(pub.stage().timer, command, plan.now)
  plan.publicOps.push((p) => {
    p.setStage({ timer })
    p.clearTimerCommand()
  })
  const actor = writerOf(command.id)
  plan.audit.push({
    at: plan.now,
    actorId: actor?.userId ?? null,
    actorName: actor?.name ?? null,
    actorRole: actor?.role ?? null,
    action: `timer-${command.action}`,
    targetId: null,
  })
}
