import {
  type OutboxEntry,
  type PendingItem,
  QUESTION_DEFAULTS,
  type Question,
  RejectReason,
  type Reply,
  type SessionMeta,
  type SessionSettings,
} from '@podium/shared'

/** What the ingest does with one outbox entry. Pure: computed from the session as it stands. */
export type Decision =
  | { kind: 'publish-question'; question: Question }
  | { kind: 'publish-reply'; reply: Reply }
  | { kind: 'queue'; item: PendingItem }
  | { kind: 'edit'; questionId: string; text: string; where: 'public' | 'queue' }
  | { kind: 'withdraw'; questionId: string; where: 'public' | 'queue' }
  | { kind: 'vote'; questionId: string; up: boolean }
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
  /** Takes one unit of the user's rate for this kind of action; false when exhausted. */
  allow(kind: 'post' | 'vote'): boolean
}

const reject = (reason: RejectReason): Decision => ({ kind: 'reject', reason })

export function decide(entry: OutboxEntry, ctx: DecideContext): Decision {
  if (ctx.meta.status === 'ended') return reject(RejectReason.sessionEnded)
  switch (entry.type) {
    case 'ask': {
      if (!ctx.settings.qaOpen) return reject(RejectReason.qaClosed)
      if (entry.text.length > ctx.settings.maxQuestionLength) return reject(RejectReason.tooLong)
      if (entry.anonymous && !ctx.settings.anonymousQuestions)
        return reject(RejectReason.anonymousNotAllowed)
      if (entry.questionId !== entry.id) return reject(RejectReason.invalid)
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
            authorId: ctx.userId,
            authorName,
            createdAt: ctx.now,
            decision: null,
          },
        }
      }
      return {
        kind: 'publish-question',
        question: newQuestion(entry.questionId, entry.text, ctx.userId, authorName, ctx.now),
      }
    }
    case 'edit':
    case 'withdraw': {
      const published = ctx.question(entry.questionId)
      const queued = published ? undefined : ctx.pending(entry.questionId)
      const owner =
        published?.authorId ?? (queued?.kind === 'question' ? queued.authorId : undefined)
      if (owner === undefined) return reject(RejectReason.notFound)
      if (owner !== ctx.userId) return reject(RejectReason.notYours)
      if (published?.answered) return reject(RejectReason.alreadyAnswered)
      const where = published ? 'public' : 'queue'
      if (entry.type === 'withdraw')
        return { kind: 'withdraw', questionId: entry.questionId, where }
      if (entry.text.length > ctx.settings.maxQuestionLength) return reject(RejectReason.tooLong)
      if (!ctx.allow('post')) return reject(RejectReason.rateLimited)
      // Under pre-moderation a published question's new text waits for a moderator, as a
      // new question would; the question keeps the text that was approved meanwhile.
      if (published && ctx.settings.preModeration) {
        return {
          kind: 'queue',
          item: {
            id: entry.id,
            kind: 'edit',
            questionId: entry.questionId,
            text: entry.text,
            authorId: ctx.userId,
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
      if (!ctx.allow('post')) return reject(RejectReason.rateLimited)
      const authorName = entry.anonymous ? null : ctx.userName
      if (ctx.settings.preModeration) {
        return {
          kind: 'queue',
          item: {
            id: entry.replyId,
            kind: 'reply',
            questionId: entry.questionId,
            text: entry.text,
            authorId: ctx.userId,
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
          authorId: ctx.userId,
          authorName,
          authorRole: 'attendee',
          createdAt: ctx.now,
          hidden: false,
        },
      }
    }
    default: {
      const unknown: never = entry
      throw new Error(`unknown entry ${JSON.stringify(unknown)}`)
    }
  }
}

export function newQuestion(
  id: string,
  text: string,
  authorId: string,
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
