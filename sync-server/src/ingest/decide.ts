import {
  type OutboxEntry,
  type PendingItem,
  QUESTION_DEFAULTS,
  type Question,
  RejectReason,
  type Reply,
  type SessionMeta,
  type SessionSettings,
  shownAuthorId,
} from '@podium/shared'

/** What the ingest does with one outbox entry. Pure: computed from the session as it stands. */
export type Decision =
  | { kind: 'publish-question'; question: Question }
  | { kind: 'publish-reply'; reply: Reply }
  | { kind: 'queue'; item: PendingItem }
  | { kind: 'edit'; questionId: string; text: string; where: 'public' | 'queue' }
  | { kind: 'withdraw'; questionId: string; where: 'public' | 'queue' }
  | { kind: 'vote'; questionId: string; up: boolean }
  | { kind: 'hand'; raised: boolean }
  | { kind: 'reject'; reason: RejectReason }

export interface DecideContext {
  userId: string
  userName: string | null
  meta: SessionMeta
  settings: SessionSettings
  now: number
  /** A published (or about to be published) question. */
  question(
    id: string,
  ): Pick<Question, 'authorId' | 'authorName' | 'answered' | 'status'> | undefined
  /** An item waiting in the moderators' queue. */
  pending(id: string): Pick<PendingItem, 'authorId' | 'kind'> | undefined
  /**
   * Whether this user's ask `id` was published or queued, as the server recorded it: a
   * question that names nobody does not say in any document who asked it.
   */
  asked(id: string): boolean
  /**
   * Whether `id` already belongs to something else: a question, a reply, a queued or
   * rejected item, or another author's entry. A new question or reply never takes it over.
   */
  taken(id: string): boolean
  /** Takes one unit of the user's rate for this kind of action; false when exhausted. */
  allow(kind: 'post' | 'vote' | 'hand'): boolean
}

const reject = (reason: RejectReason): Decision => ({ kind: 'reject', reason })

/** The Q&A entries this file decides (poll answers: polls/decide.ts). */
export type QaEntry = Exclude<OutboxEntry, { type: 'poll-answer' }>

export function decide(entry: QaEntry, ctx: DecideContext): Decision {
  if (ctx.meta.status === 'ended') return reject(RejectReason.sessionEnded)
  switch (entry.type) {
    case 'ask': {
      if (!ctx.settings.qaOpen) return reject(RejectReason.qaClosed)
      if (entry.text.length > ctx.settings.maxQuestionLength) return reject(RejectReason.tooLong)
      if (entry.anonymous && !ctx.settings.anonymousQuestions)
        return reject(RejectReason.anonymousNotAllowed)
      if (entry.questionId !== entry.id) return reject(RejectReason.invalid)
      if (ctx.taken(entry.id)) return reject(RejectReason.idTaken)
      if (!ctx.allow('post')) return reject(RejectReason.rateLimited)
      const authorName = entry.anonymous ? null : ctx.userName
      if (ctx.settings.preModeration) {
        return {
          kind: 'queue',
          item: {
            id: entry.questionId,
            kind: 'question',
            questionId: null,
            text: entry.text,
            authorId: shownAuthorId(ctx.userId, authorName),
            authorName,
            createdAt: ctx.now,
            decision: null,
          },
        }
      }
      return {
        kind: 'publish-question',
        question: newQuestion(
          entry.questionId,
          entry.text,
          shownAuthorId(ctx.userId, authorName),
          authorName,
          ctx.now,
        ),
      }
    }
    case 'edit':
    case 'withdraw': {
      const published = ctx.question(entry.questionId)
      const queued = published ? undefined : ctx.pending(entry.questionId)
      const found = published ?? (queued?.kind === 'question' ? queued : undefined)
      if (!found) return reject(RejectReason.notFound)
      // A question names its author, or nobody: then the server's record says who asked it.
      const mine =
        found.authorId !== null ? found.authorId === ctx.userId : ctx.asked(entry.questionId)
      if (!mine) return reject(RejectReason.notYours)
      if (published?.answered) return reject(RejectReason.alreadyAnswered)
      const where = published ? 'public' : 'queue'
      if (entry.type === 'withdraw')
        return { kind: 'withdraw', questionId: entry.questionId, where }
      if (entry.text.length > ctx.settings.maxQuestionLength) return reject(RejectReason.tooLong)
      // Under pre-moderation a published question's new text waits for a moderator, as a
      // new question would; the question keeps the text that was approved meanwhile. The
      // queued edit is an item of its own, under the entry's id: that id must be free.
      const queueEdit = published !== undefined && ctx.settings.preModeration
      if (queueEdit && ctx.taken(entry.id)) return reject(RejectReason.idTaken)
      if (!ctx.allow('post')) return reject(RejectReason.rateLimited)
      if (queueEdit) {
        return {
          kind: 'queue',
          item: {
            id: entry.id,
            kind: 'edit',
            questionId: entry.questionId,
            text: entry.text,
            authorId: shownAuthorId(ctx.userId, published.authorName),
            authorName: published.authorName,
            createdAt: ctx.now,
            decision: null,
          },
        }
      }
      return { kind: 'edit', questionId: entry.questionId, text: entry.text, where }
    }
    case 'vote': {
      const question = ctx.question(entry.questionId)
      if (question?.status !== 'published') return reject(RejectReason.notFound)
      if (!ctx.settings.qaOpen) return reject(RejectReason.qaClosed)
      if (!ctx.allow('vote')) return reject(RejectReason.rateLimited)
      return { kind: 'vote', questionId: entry.questionId, up: entry.up }
    }
    case 'reply': {
      const question = ctx.question(entry.questionId)
      if (question?.status !== 'published') return reject(RejectReason.notFound)
      if (!ctx.settings.qaOpen) return reject(RejectReason.qaClosed)
      if (entry.anonymous && !ctx.settings.anonymousQuestions)
        return reject(RejectReason.anonymousNotAllowed)
      if (entry.replyId !== entry.id) return reject(RejectReason.invalid)
      if (ctx.taken(entry.id)) return reject(RejectReason.idTaken)
      if (!ctx.allow('post')) return reject(RejectReason.rateLimited)
      const authorName = entry.anonymous ? null : ctx.userName
      const authorId = shownAuthorId(ctx.userId, authorName)
      if (ctx.settings.preModeration) {
        return {
          kind: 'queue',
          item: {
            id: entry.replyId,
            kind: 'reply',
            questionId: entry.questionId,
            text: entry.text,
            authorId,
            authorName,
            createdAt: ctx.now,
            decision: null,
          },
        }
      }
      return {
        kind: 'publish-reply',
        reply: {
          id: entry.replyId,
          questionId: entry.questionId,
          text: entry.text,
          authorId,
          authorName,
          authorRole: 'attendee',
          createdAt: ctx.now,
          hidden: false,
        },
      }
    }
    case 'hand':
      if (!ctx.allow('hand')) return reject(RejectReason.rateLimited)
      return { kind: 'hand', raised: entry.raised }
    default: {
      const unknown: never = entry
      throw new Error(`unknown entry ${JSON.stringify(unknown)}`)
    }
  }
}

export function newQuestion(
  id: string,
  text: string,
  authorId: string | null,
  authorName: string | null,
  createdAt: number,
): Question {
  return {
    id,
    text,
    authorId,
    authorName,
    createdAt,
    ...QUESTION_DEFAULTS,
    labels: [],
  }
}
