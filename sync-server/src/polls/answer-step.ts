import type { PollAnswerEntry } from '@podium/shared'
import { EventType } from '../events/types.ts'
import type { TickPlan } from '../ingest/plan.ts'
import { decideAnswer, sameAnswer } from './decide.ts'
import type { PollTick } from './poll-tick.ts'

/**
 * One poll answer from an outbox, decided against the polls as the tick sees them: the
 * receipt written, the answer recorded (replacing the person's earlier one), an event for
 * a changed answer. A repeated answer is accepted and changes nothing. Says the status.
 */
export function decidePollAnswer(
  entry: PollAnswerEntry,
  user: { userId: string; name: string | null },
  polls: PollTick,
  allow: () => boolean,
  plan: TickPlan,
): 'accepted' | 'rejected' {
  const { userId } = user
  const poll = polls.poll(entry.pollId)
  const decision = decideAnswer(entry, {
    poll,
    openedAt: polls.times.get(entry.pollId)?.openedAt ?? null,
    now: plan.now,
    allow,
  })
  if (decision.kind === 'reject') {
    plan.receipt(userId, entry.id, {
      status: 'rejected',
      seq: entry.seq,
      at: plan.now,
      reason: decision.reason,
    })
    return 'rejected'
  }
  plan.receipt(userId, entry.id, { status: 'accepted', seq: entry.seq, at: plan.now })
  const previous = polls.answer(entry.pollId, userId)
  if (previous && sameAnswer(previous, decision.answer)) return 'accepted'
  polls.record(entry.pollId, userId, {
    ...decision.answer,
    at: plan.now,
    points: null,
    name: user.name,
  })
  plan.event({
    type: EventType.pollAnswered,
    pollId: entry.pollId,
    userId,
    kind: poll?.kind ?? 'single',
    changed: previous !== undefined,
  })
  return 'accepted'
}
