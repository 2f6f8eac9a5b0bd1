import { HandsDoc } from '@podium/shared'
import { EventType } from '../events/types.ts'
import type { TickPlan } from '../ingest/plan.ts'

/**
 * What a decided `hand` entry does in the tick's plan: the hand goes up in (or leaves) the
 * moderators' queue with the server's time, and an event says so. A hand already up keeps
 * its place; lowering one that is not up changes nothing.
 */
export function handStep(raised: boolean, userId: string, name: string | null, plan: TickPlan) {
  const { now } = plan
  plan.modOps.push((m) => {
    const hands = new HandsDoc(m.doc)
    if (raised) hands.raise(userId, name, now)
    else hands.lower(userId)
  })
  plan.event(
    raised
      ? { type: EventType.handRaised, userId }
      : { type: EventType.handLowered, userId, by: null },
  )
}
