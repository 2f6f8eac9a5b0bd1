import { HandsDoc } from '@podium/shared'
import { EventType } from '../events/types.ts'
import type { TickPlan } from '../ingest/plan.ts'

/**
 * What a decided `hand` entry does in the tick's plan: the hand goes up in (or leaves) the
 * moderators' queue with the server's time. A hand already up keeps its place; lowering one
 * that is not up changes nothing. The event is written only when the queue changed, as the
 * moderators' document is applied, so a hand rewritten while up (a second tab, a reconnect)
 * or lowered after staff took it down repeats no `hand.raised` or `hand.lowered`.
 */
export function handStep(raised: boolean, userId: string, name: string | null, plan: TickPlan) {
  const { now } = plan
  plan.modOps.push((m) => {
    const hands = new HandsDoc(m.doc)
    if (raised) {
      if (hands.raise(userId, name, now)) plan.event({ type: EventType.handRaised, userId })
    } else if (hands.lower(userId)) plan.event({ type: EventType.handLowered, userId, by: null })
  })
}
