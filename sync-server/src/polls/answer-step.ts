import { newId, type PollAnswerEntry, RejectReason } from '@podium/shared'
import { EventType } from '../events/types.ts'
import type { TickPlan } from '../ingest/plan.ts'
import { decideAnswer, type StoredAnswer, sameAnswer } from './decide.ts'
import type { PollTick } from './poll-tick.ts'

/** Who answered, and whether the session pre-moderates what people write. */
export interface Answerer {
  userId: string
  name: string | null
  preModeration: boolean
}

/**
 * One poll answer from an outbox, decided against the polls as the tick sees them: the
 * receipt written, the answer recorded (replacing the person's earlier one), an event for
 * a changed answer. A repeated answer is accepted and changes nothing. Open text while the
 * session pre-moderates waits in the moderators' queue (POLL-MOD-1). Says the status.
 */
export function decidePollAnswer(
  entry: PollAnswerEntry,
  user: Answerer,
  polls: PollTick,
  allow: () => boolean,
  plan: TickPlan,
): 'accepted' | 'pending' | 'rejected' {
  const { userId } = user
  const poll = polls.poll(entry.pollId)
  const decision = decideAnswer(entry, {
    poll,
    openedAt: polls.times.get(entry.pollId)?.openedAt ?? null,
    now: plan.now,
    allow,
  })
  const receipt = (status: 'accepted' | 'pending' | 'rejected', reason?: RejectReason) =>
    plan.receipt(userId, entry.id, {
      status,
      seq: entry.seq,
      at: plan.now,
      ...(reason ? { reason } : {}),
    })
  if (decision.kind === 'reject') {
    receipt('rejected', decision.reason)
    return 'rejected'
  }
  const previous = polls.answer(entry.pollId, userId)
  const reviewed = poll?.kind === 'text' && user.preModeration
  if (previous && sameAnswer(previous, decision.answer)) {
    // The same answer again: it stays as it was decided (counted, waiting, or turned down).
    switch (previous.moderation ?? null) {
      case null:
        receipt('accepted')
        return 'accepted'
      case 'rejected':
        receipt('rejected', RejectReason.moderatorRejected)
        return 'rejected'
      case 'pending':
        // Its decision will be receipted under this seq. The same seq again (the outbox
        // scanned once more, perhaps by an instance that has not seen the decision yet)
        // writes nothing, so it cannot put back an answer another instance approved.
        if (previous.seq !== entry.seq)
          polls.record(entry.pollId, userId, { ...previous, seq: entry.seq })
        receipt('pending')
        return 'pending'
    }
  }
  // A different answer replaces one still waiting: that one leaves the queue.
  const waiting = previous?.moderation === 'pending' ? previous.reviewId : null
  if (waiting) plan.modOps.push((m) => m.dequeue(waiting))
  const answer: StoredAnswer = {
    ...decision.answer,
    at: plan.now,
    points: null,
    name: user.name,
    moderation: null,
    reviewId: null,
    seq: null,
  }
  if (reviewed && poll) {
    const reviewId = newId()
    answer.moderation = 'pending'
    answer.reviewId = reviewId
    answer.seq = entry.seq
    const named = !poll.anonymous && user.name !== null
    plan.modOps.push((m) =>
      m.enqueue({
        id: reviewId,
        kind: 'poll-answer',
        questionId: null,
        pollId: poll.id,
        text: answer.text ?? '',
        authorId: named ? userId : null,
        authorName: named ? user.name : null,
        createdAt: entry.createdAt,
        decision: null,
      }),
    )
  }
  receipt(reviewed ? 'pending' : 'accepted')
  polls.record(entry.pollId, userId, answer)
  plan.event({
    type: EventType.pollAnswered,
    pollId: entry.pollId,
    userId,
    kind: poll?.kind ?? 'single',
    changed: previous !== undefined,
  })
  return reviewed ? 'pending' : 'accepted'
}
