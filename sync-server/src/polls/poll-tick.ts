import type { Poll, PollSecret } from '@podium/shared'
import type { StoredAnswer } from './decide.ts'
import type { AnswersByPoll, PollAnswerRow } from './repository.ts'
import type { PollTimes } from './results.ts'

const NO_SECRET: PollSecret = { correct: [], hiddenWords: [] }

/**
 * What one tick knows and changes of a session's polls: the polls as the tick sees them
 * (a quiz question past its time is closed by the tick), the times the server stamped,
 * the answers (stored ones, and this tick's on top), and what to write.
 */
export class PollTick {
  readonly polls = new Map<string, Poll>()
  readonly times = new Map<string, PollTimes>()
  /** Polls whose results the tick writes again (staff changes, times, closing). */
  readonly touched = new Set<string>()
  /** Polls whose answers changed: their results are written at the cadences of session-polls.ts. */
  readonly answered = new Set<string>()
  /** Quiz questions the tick closes (scored when it writes results). */
  readonly closing = new Set<string>()
  /** Answers this tick changed, per poll, per user. */
  readonly changed: AnswersByPoll = new Map()
  readonly rows: PollAnswerRow[] = []

  constructor(
    private readonly stored: AnswersByPoll,
    readonly secrets: Map<string, PollSecret>,
    /** Staff changed polls or their secrets since the last tick. */
    readonly wasDirty: boolean,
  ) {}

  poll(id: string): Poll | undefined {
    return this.polls.get(id)
  }
  secret(id: string): PollSecret {
    return this.secrets.get(id) ?? NO_SECRET
  }

  answer(pollId: string, userId: string): StoredAnswer | undefined {
    return this.changed.get(pollId)?.get(userId) ?? this.stored.get(pollId)?.get(userId)
  }

  /** Every answer to a poll, this tick's over the stored ones. */
  answers(pollId: string): Map<string, StoredAnswer> {
    const all = new Map(this.stored.get(pollId) ?? [])
    for (const [userId, a] of this.changed.get(pollId) ?? []) all.set(userId, a)
    return all
  }

  /** Every answer to a poll, this tick's over the stored ones, without copying the stored map. */
  answerValues(pollId: string): StoredAnswer[] {
    const changed = this.changed.get(pollId)
    const out: StoredAnswer[] = []
    for (const [userId, a] of this.stored.get(pollId) ?? []) if (!changed?.has(userId)) out.push(a)
    if (changed) for (const a of changed.values()) out.push(a)
    return out
  }

  /** The stored answers of a poll are replaced (read again from the database). */
  replaceStored(pollId: string, answers: Map<string, StoredAnswer>): void {
    this.stored.set(pollId, answers)
  }

  record(pollId: string, userId: string, answer: StoredAnswer): void {
    let poll = this.changed.get(pollId)
    if (!poll) {
      poll = new Map()
      this.changed.set(pollId, poll)
    }
    poll.set(userId, answer)
    this.answered.add(pollId)
    this.rows.push({ pollId, quizId: this.polls.get(pollId)?.quizId ?? null, userId, answer })
  }
}
