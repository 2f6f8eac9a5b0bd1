import type { Document } from '@hocuspocus/server'
import { type ModDoc, OutboxDoc, type PublicDoc } from '@podium/shared'
import { eventsFromAudit } from '../events/from-audit.ts'
import { captureTransaction } from './capture.ts'
import { HeldBroadcasts } from './hold.ts'
import type { TickPlan } from './plan.ts'

export interface ApplyTargets {
  pubDoc: Document
  pub: PublicDoc
  publicName: string
  /** The moderators' document, opened only when the plan changes it. */
  mod(): Promise<{ doc: Document; mod: ModDoc; name: string }>
  /** An author's loaded outbox (one who is away gets receipts when it next loads). */
  outbox(userId: string): { doc: Document; name: string } | undefined
}

/**
 * The apply step: one transaction per document, each update captured into the plan's
 * batch and held back from clients until the batch is stored (the caller releases them).
 * Everything that can fail comes before it; from here to the store nothing waits but the
 * moderators' document opening.
 */
export async function applyPlan(plan: TickPlan, to: ApplyTargets): Promise<HeldBroadcasts> {
  const { batch } = plan
  const modTarget = plan.modOps.length > 0 ? await to.mod() : null
  const held = new HeldBroadcasts()
  try {
    applyHeld(plan, to, modTarget, held)
  } catch (error) {
    // The tick gives back what it took on; the documents must not stay held for good.
    held.release()
    throw error
  }
  batch.audit.push(...plan.audit)
  batch.events.push(...eventsFromAudit(plan.sessionId, plan.audit))
  return held
}

function applyHeld(
  plan: TickPlan,
  to: ApplyTargets,
  modTarget: { doc: Document; mod: ModDoc; name: string } | null,
  held: HeldBroadcasts,
): void {
  const { batch } = plan
  if (plan.publicOps.length > 0) {
    held.hold(to.pubDoc)
    const update = captureTransaction(to.pubDoc, () => {
      for (const op of plan.publicOps) op(to.pub)
    })
    if (update) batch.updates.push({ name: to.publicName, update })
  }
  if (modTarget) {
    held.hold(modTarget.doc)
    const update = captureTransaction(modTarget.doc, () => {
      for (const op of plan.modOps) op(modTarget.mod)
    })
    if (update) batch.updates.push({ name: modTarget.name, update })
  }
  for (const [userId, list] of plan.receipts) {
    const target = to.outbox(userId)
    if (!target) continue
    const outbox = new OutboxDoc(target.doc)
    held.hold(target.doc)
    const update = captureTransaction(target.doc, () => {
      for (const [entryId, r] of list) {
        const current = outbox.receipt(entryId)
        if (
          !current ||
          current.status !== r.status ||
          current.seq !== r.seq ||
          current.reason !== r.reason
        ) {
          outbox.setReceipt(entryId, r)
        }
      }
    })
    if (update) batch.updates.push({ name: target.name, update })
  }
}
