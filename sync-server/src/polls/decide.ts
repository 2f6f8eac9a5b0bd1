import {
  normaliseWords,
  type Poll,
  type PollAnswerEntry,
  PollLimits,
  RejectReason,
  wordCount,
} from '@podium/shared'

/** An answer as counted: what the person chose, when it arrived, and its quiz points. */
export interface StoredAnswer {
  choices: number[]
  rating: number | null
  /** Open text as written (trimmed), word-cloud answers normalised. */
  text: string | null
  /** Server clock when it arrived. */
  at: number
  /** Quiz points, once the question has closed. */
  points: number | null
  /** The author's name, shown in named polls only. */
  name: string | null
  /**
   * Pre-moderation (open text while the session pre-moderates): waiting for a moderator,
   * or turned down; null when the answer counts. Only answers that count are in results.
   */
  moderation?: 'pending' | 'rejected' | null
  /** The moderators' queue item of an answer waiting or turned down. */
  reviewId?: string | null
  /** The outbox entry's `seq` the answer came with (the receipt of a decision names it). */
  seq?: number | null
}

/** Whether an answer is in the results (it needs no moderator, or one approved it). */
export function counts(answer: StoredAnswer): boolean {
  return (answer.moderation ?? null) === null
}

export type AnswerDecision =
  | {
      kind: 'answer'
      answer: Omit<StoredAnswer, 'at' | 'points' | 'name' | 'moderation' | 'reviewId' | 'seq'>
    }
  | { kind: 'reject'; reason: RejectReason }

export interface AnswerContext {
  poll: Poll | undefined
  /** Server clock when the poll was (last) opened; null until the server stamped it. */
  openedAt: number | null
  now: number
  /** Takes one unit of the user's vote allowance; false when it is used up. */
  allow(): boolean
}

const reject = (reason: RejectReason): AnswerDecision => ({ kind: 'reject', reason })

/** The poll rules (docs/polls.md, POLL-ANS-…), pure: decided from the poll as it stands. */
export function decideAnswer(entry: PollAnswerEntry, ctx: AnswerContext): AnswerDecision {
  const { poll } = ctx
  if (!poll) return reject(RejectReason.pollNotFound)
  if (poll.status === 'draft') return reject(RejectReason.pollNotOpen)
  if (poll.status === 'closed') return reject(RejectReason.pollClosed)
  if (
    poll.kind === 'quiz' &&
    ctx.openedAt !== null &&
    ctx.now > ctx.openedAt + poll.timeLimitSec * 1000
  )
    return reject(RejectReason.tooLate)
  const shaped = shape(entry, poll)
  if (shaped.kind === 'reject') return shaped
  if (!ctx.allow()) return reject(RejectReason.rateLimited)
  return shaped
}

function shape(entry: PollAnswerEntry, poll: Poll): AnswerDecision {
  switch (poll.kind) {
    case 'single':
    case 'quiz':
    case 'multiple': {
      const { choices } = entry
      if (choices.length === 0) return reject(RejectReason.emptyAnswer)
      const max = poll.kind === 'multiple' ? poll.maxChoices : 1
      if (choices.length > max) return reject(RejectReason.badAnswer)
      if (new Set(choices).size !== choices.length) return reject(RejectReason.badAnswer)
      if (choices.some((c) => c < 0 || c >= poll.options.length))
        return reject(RejectReason.badAnswer)
      return {
        kind: 'answer',
        answer: { choices: [...choices].sort((a, b) => a - b), rating: null, text: null },
      }
    }
    case 'rating': {
      if (entry.rating === null) return reject(RejectReason.emptyAnswer)
      if (entry.rating < 1 || entry.rating > 5) return reject(RejectReason.badAnswer)
      return { kind: 'answer', answer: { choices: [], rating: entry.rating, text: null } }
    }
    case 'text': {
      const text = entry.text?.trim() ?? ''
      if (text === '') return reject(RejectReason.emptyAnswer)
      if (text.length > PollLimits.textLength) return reject(RejectReason.tooLong)
      return { kind: 'answer', answer: { choices: [], rating: null, text } }
    }
    case 'words': {
      const text = normaliseWords(entry.text ?? '')
      if (text === '') return reject(RejectReason.emptyAnswer)
      if (text.length > PollLimits.wordsLength) return reject(RejectReason.tooLong)
      if (wordCount(text) > PollLimits.words) return reject(RejectReason.badAnswer)
      return { kind: 'answer', answer: { choices: [], rating: null, text } }
    }
    default: {
      const unknown: never = poll.kind
      throw new Error(`unknown poll kind ${String(unknown)}`)
    }
  }
}

/** Whether two answers say the same (a repeated answer changes nothing). */
export function sameAnswer(
  a: Pick<StoredAnswer, 'choices' | 'rating' | 'text'>,
  b: Pick<StoredAnswer, 'choices' | 'rating' | 'text'>,
): boolean {
  return (
    a.rating === b.rating &&
    a.text === b.text &&
    a.choices.length === b.choices.length &&
    a.choices.every((c, i) => c === b.choices[i])
  )
}
