import type { Question } from './doc/schema.ts'

export const QuestionOrder = { popular: 'popular', recent: 'recent' } as const
export type QuestionOrder = (typeof QuestionOrder)[keyof typeof QuestionOrder]

export interface QuestionFilter {
  /** 'open': not answered; 'answered': answered only; 'all': both. */
  answered?: 'open' | 'answered' | 'all'
  /** Only questions by this user. */
  mine?: Me
  /** Case-insensitive words that must all appear in the text. */
  search?: string
  /** Include hidden and archived questions (moderators). */
  includeModerated?: boolean
  label?: string
}

/** Who "I" am when finding my own questions. */
export interface Me {
  userId: string
  /**
   * Questions I asked, as my outbox holds them: one asked without a name does not name me
   * in the public document (see shownAuthorId), so only my own device knows it is mine.
   */
  asked: ReadonlySet<string>
}

/** Whether I asked this question: it names me, or it is one of the questions I asked. */
export function isMine(question: Pick<Question, 'id' | 'authorId'>, me: Me): boolean {
  return question.authorId === me.userId || me.asked.has(question.id)
}

function compare(order: QuestionOrder) {
  return (a: Question, b: Question): number => {
    // Pinned first, in the order they were pinned.
    if (a.pinned !== b.pinned) return a.pinned ? -1 : 1
    if (a.pinned && b.pinned) return (a.pinnedAt ?? 0) - (b.pinnedAt ?? 0)
    switch (order) {
      case 'popular':
        return b.votes - a.votes || b.createdAt - a.createdAt || a.id.localeCompare(b.id)
      case 'recent':
        return b.createdAt - a.createdAt || a.id.localeCompare(b.id)
      default: {
        const unknown: never = order
        throw new Error(`unknown order ${String(unknown)}`)
      }
    }
  }
}

export function matchesFilter(question: Question, filter: QuestionFilter): boolean {
  if (!filter.includeModerated && question.status !== 'published') return false
  const answered = filter.answered ?? 'all'
  if (answered === 'open' && question.answered) return false
  if (answered === 'answered' && !question.answered) return false
  if (filter.mine && !isMine(question, filter.mine)) return false
  if (filter.label && !question.labels.includes(filter.label)) return false
  if (filter.search) {
    const text = question.text.toLowerCase()
    const words = filter.search.toLowerCase().split(/\s+/).filter(Boolean)
    if (!words.every((word) => text.includes(word))) return false
  }
  return true
}

/**
 * Ranks questions for display: pinned first, then by votes (popular) or by time (recent).
 * Ties break on time, then id, so every client shows the same order.
 */
export function rankQuestions(
  questions: readonly Question[],
  order: QuestionOrder,
  filter: QuestionFilter = {},
): Question[] {
  return questions.filter((q) => matchesFilter(q, filter)).sort(compare(order))
}
