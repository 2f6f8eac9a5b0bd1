import { type OutboxEntry, REJECT_MESSAGES, type Receipt, voteEntryId } from '../schemas/outbox.ts'
import type { OutboxDoc } from './outbox.ts'
import type { PublicDoc } from './public/public-doc.ts'
import type { Question, Reply } from './schema.ts'

// What one participant contributed to a session and where each piece stands, read from
// the public document and their own outbox: the room shows it, and the person takes it
// home (from the room, or from their account for every session they attended).

/** Where one of my contributions stands, as the author sees it. */
export const ContributionState = {
  sending: 'sending',
  waitingForReview: 'waiting-for-review',
  published: 'published',
  answered: 'answered',
  rejected: 'rejected',
  withdrawn: 'withdrawn',
} as const
export type ContributionState = (typeof ContributionState)[keyof typeof ContributionState]

export function stateLabel(state: ContributionState): string {
  switch (state) {
    case 'sending':
      return 'Waiting to send'
    case 'waiting-for-review':
      return 'Waiting for review'
    case 'published':
      return 'Published'
    case 'answered':
      return 'Answered'
    case 'rejected':
      return 'Not published'
    case 'withdrawn':
      return 'Withdrawn'
    default: {
      const unknown: never = state
      throw new Error(`unknown state ${String(unknown)}`)
    }
  }
}

/** The sentence shown with a rejection: the reason, and a moderator's note if there is one. */
export function rejectionText(receipt: Receipt | null | undefined): string | null {
  if (receipt?.status !== 'rejected') return null
  const reason = receipt.reason ? REJECT_MESSAGES[receipt.reason] : REJECT_MESSAGES.invalid
  return receipt.detail ? `${reason} ${receipt.detail}` : reason
}

function receiptFor(outbox: OutboxDoc, entry: OutboxEntry): Receipt | null {
  const receipt = outbox.receipt(entry.id)
  return receipt && receipt.seq === entry.seq ? receipt : null
}

function stateOf(
  receipt: Receipt | null,
  published: { answered: boolean } | undefined,
): ContributionState {
  if (published) return published.answered ? 'answered' : 'published'
  if (!receipt) return 'sending'
  switch (receipt.status) {
    case 'accepted':
      return 'published'
    case 'pending':
      return 'waiting-for-review'
    case 'rejected':
      return 'rejected'
    default: {
      const unknown: never = receipt.status
      throw new Error(`unknown receipt status ${String(unknown)}`)
    }
  }
}

export interface MyQuestion {
  questionId: string
  text: string
  anonymous: boolean
  createdAt: number
  state: ContributionState
  /** Why it was not published, in plain words. */
  reason: string | null
}

/** Every question I asked, with its state (newest first). */
export function myQuestions(pub: PublicDoc, outbox: OutboxDoc): MyQuestion[] {
  const withdrawn = withdrawnQuestions(outbox)
  const mine: MyQuestion[] = []
  for (const { entry, receipt } of outbox.items()) {
    if (entry.type !== 'ask') continue
    const current = receipt && receipt.seq === entry.seq ? receipt : null
    // A refused ask is not the question of the same id in the list (someone else's).
    const published = current?.status === 'rejected' ? undefined : pub.question(entry.questionId)
    const state = withdrawn.has(entry.questionId) ? 'withdrawn' : stateOf(current, published)
    mine.push({
      questionId: entry.questionId,
      text: published?.text ?? entry.text,
      anonymous: entry.anonymous,
      createdAt: entry.createdAt,
      state,
      reason: state === 'rejected' ? rejectionText(current) : null,
    })
  }
  return mine.sort((a, b) => b.createdAt - a.createdAt)
}

/** Questions I withdrew (unless the server refused the withdrawal). */
export function withdrawnQuestions(outbox: OutboxDoc): Set<string> {
  const ids = new Set<string>()
  for (const { entry, receipt } of outbox.items()) {
    if (entry.type === 'withdraw' && receipt?.status !== 'rejected') ids.add(entry.questionId)
  }
  return ids
}

export interface PendingEdit {
  text: string
  state: ContributionState
  reason: string | null
}

type EditEntry = Extract<OutboxEntry, { type: 'edit' }>

/**
 * My latest edit of each question I edited, while the server has not yet published it
 * (or refused it): one pass over my outbox for a whole list.
 */
export function pendingEdits(pub: PublicDoc, outbox: OutboxDoc): Map<string, PendingEdit> {
  const latest = new Map<string, EditEntry>()
  for (const { entry } of outbox.items()) {
    if (entry.type === 'edit') latest.set(entry.questionId, entry)
  }
  const edits = new Map<string, PendingEdit>()
  for (const [questionId, entry] of latest) {
    const edit = pendingEditOf(pub, outbox, entry)
    if (edit) edits.set(questionId, edit)
  }
  return edits
}

function pendingEditOf(pub: PublicDoc, outbox: OutboxDoc, latest: EditEntry): PendingEdit | null {
  const receipt = receiptFor(outbox, latest)
  const published = pub.question(latest.questionId)
  if (receipt?.status === 'accepted' || published?.text === latest.text) return null
  if (receipt?.status === 'rejected') {
    return { text: latest.text, state: 'rejected', reason: rejectionText(receipt) }
  }
  return { text: latest.text, state: stateOf(receipt, undefined), reason: null }
}

export interface VoteView {
  voted: boolean
  count: number
  /** My latest vote is not receipted yet. */
  pending: boolean
}

/**
 * My vote shows at once; the count is the server's, adjusted by my vote while the
 * server has not receipted it (the server's count then still holds my previous vote,
 * which is the opposite of this one if I had a receipted vote before, and none otherwise).
 */
export function voteView(pub: PublicDoc, outbox: OutboxDoc, questionId: string): VoteView {
  const published = pub.question(questionId)?.votes ?? 0
  const entry = outbox.entry(voteEntryId(questionId))
  if (entry?.type !== 'vote') return { voted: false, count: published, pending: false }
  const receipt = outbox.receipt(entry.id)
  if (receipt && receipt.seq === entry.seq) {
    // Receipted: the count includes it. A refused vote left the server's previous state.
    const voted = receipt.status === 'rejected' ? !entry.up : entry.up
    return { voted, count: published, pending: false }
  }
  const serverHadMine = receipt ? receipt.status !== 'rejected' && !entry.up : false
  const delta = (entry.up ? 1 : 0) - (serverHadMine ? 1 : 0)
  return { voted: entry.up, count: Math.max(0, published + delta), pending: true }
}

export interface ReplyView extends Reply {
  state: ContributionState
  reason: string | null
}

/** Published replies to a question, followed by mine that are not published yet. */
export function repliesFor(
  pub: PublicDoc,
  outbox: OutboxDoc,
  questionId: string,
  me: { userId: string; name: string | null },
): ReplyView[] {
  const published = pub.replies(questionId).filter((r) => !r.hidden)
  const seen = new Set(published.map((r) => r.id))
  const views: ReplyView[] = published.map((r) => ({ ...r, state: 'published', reason: null }))
  for (const { entry, receipt } of outbox.items()) {
    if (entry.type !== 'reply' || entry.questionId !== questionId) continue
    const current = receipt && receipt.seq === entry.seq ? receipt : null
    // A published reply of the same id is mine unless mine was refused (its id was taken).
    if (seen.has(entry.replyId) && current?.status !== 'rejected') continue
    const state = stateOf(current, undefined)
    if (state === 'published') continue // accepted but hidden or removed by a moderator
    views.push({
      id: entry.replyId,
      questionId,
      text: entry.text,
      authorId: me.userId,
      authorName: entry.anonymous ? null : me.name,
      authorRole: 'attendee',
      createdAt: entry.createdAt,
      hidden: false,
      state,
      reason: rejectionText(current),
    })
  }
  return views
}

export function isAnswerable(question: Question | undefined): boolean {
  return !!question && !question.answered
}

/** Who a contribution export is about. */
export interface Contributor {
  sessionId: string
  userId: string
  name: string | null
  role: string
}

/** Everything this participant contributed to the session, as a JSON-ready object. */
export function contributionsOf(who: Contributor, pub: PublicDoc, outbox: OutboxDoc) {
  const items = outbox.items()
  const publishedReplies = new Map(pub.replies().map((r) => [r.id, r]))
  return {
    exportedAt: new Date().toISOString(),
    session: { id: who.sessionId, title: pub.meta().title, code: pub.meta().code },
    you: { userId: who.userId, name: who.name, role: who.role },
    questions: myQuestions(pub, outbox).map((q) => ({
      id: q.questionId,
      text: q.text,
      anonymous: q.anonymous,
      askedAt: new Date(q.createdAt).toISOString(),
      state: stateLabel(q.state),
      reason: q.reason,
      votes: pub.question(q.questionId)?.votes ?? null,
    })),
    replies: items.flatMap(({ entry, receipt }) =>
      entry.type === 'reply'
        ? [
            {
              id: entry.replyId,
              questionId: entry.questionId,
              text: entry.text,
              repliedAt: new Date(entry.createdAt).toISOString(),
              published: publishedReplies.has(entry.replyId),
              reason: rejectionText(receipt),
            },
          ]
        : [],
    ),
    votes: items.flatMap(({ entry }) =>
      entry.type === 'vote' && entry.up
        ? [{ questionId: entry.questionId, question: pub.question(entry.questionId)?.text ?? null }]
        : [],
    ),
  }
}
export type Contributions = ReturnType<typeof contributionsOf>
