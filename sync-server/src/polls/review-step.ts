import { type Actor, type PendingItem, pollAnswerEntryId, RejectReason } from '@podium/shared'
import type { ModerationSink } from '../ingest/moderation.ts'
import type { StoredAnswer } from './decide.ts'
import type { PollTick } from './poll-tick.ts'

/** Finds the answer a queue item stands for: its author and the answer as stored. */
export type FindReview = (
  tick: PollTick,
  pollId: string,
  reviewId: string,
) => Promise<[string, StoredAnswer] | undefined>

/**
 * A moderator's decision on an open-text answer waiting for review (POLL-MOD-3): approved,
 * it counts (with the text as the moderator left it); rejected, it stays out of the
 * results and goes to the rejected list. Either way the author's receipt, under the `seq`
 * the answer came with, says so. A decision on an answer its author has replaced since, or
 * that another moderator decided first, changes nothing. Says whose receipt it wrote.
 */
export async function decidePollReview(
  item: PendingItem,
  actor: Actor | null,
  tick: PollTick,
  find: FindReview,
  now: number,
  out: ModerationSink,
): Promise<string | null> {
  const decision = item.decision
  if (!decision || !item.pollId) return null
  const found = await find(tick, item.pollId, item.id)
  if (!found) return null
  const [userId, answer] = found
  if (answer.moderation !== 'pending') return null
  const seq = answer.seq ?? 1
  if (decision.action === 'approve') {
    tick.record(item.pollId, userId, {
      ...answer,
      text: item.text.trim() || answer.text,
      moderation: null,
      reviewId: null,
      seq: null,
    })
    out.receipt(userId, pollAnswerEntryId(item.pollId), { status: 'accepted', seq, at: now })
    return userId
  }
  const reason = decision.reason ?? ''
  tick.record(item.pollId, userId, { ...answer, moderation: 'rejected' })
  out.modOps.push((m) =>
    m.putRejected({
      id: item.id,
      kind: item.kind,
      questionId: null,
      pollId: item.pollId,
      text: item.text,
      authorId: item.authorId,
      authorName: item.authorName,
      createdAt: item.createdAt,
      reason,
      by: actor?.userId ?? null,
      at: now,
    }),
  )
  out.receipt(userId, pollAnswerEntryId(item.pollId), {
    status: 'rejected',
    seq,
    at: now,
    reason: RejectReason.moderatorRejected,
    ...(reason ? { detail: reason } : {}),
  })
  return userId
}
