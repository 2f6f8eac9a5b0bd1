import { Fact } from './known.ts'
import type { BatchState, Flags, Person, QuestionFields } from './state.ts'

/**
 * A session's state as one event sees it. Each method changes the batch's state and
 * returns what the event adds to its minute.
 */
export class SessionState {
  constructor(
    private readonly batch: BatchState,
    readonly sessionId: string,
    /** The event's time. */
    private readonly at: number,
  ) {}

  private person(userId: string): Person {
    return this.batch.person(this.sessionId, userId, this.at)
  }

  private set(person: Person, flags: Partial<Person['flags']>): void {
    for (const [name, value] of Object.entries(flags) as Array<[keyof Flags, number]>) {
      if (person.flags[name] === value) continue
      person.flags[name] = value
      person.changed = true
    }
  }

  /**
   * Someone asked, voted or replied: their flag is set. Returns 1 when this is the first
   * the session sees of them (a new participant), else 0.
   */
  tookPart(userId: string, flag: 'asked' | 'voted' | 'replied'): number {
    if (this.batch.knownOnly(this.sessionId, userId, Fact.seen | Fact[flag])) return 0
    const person = this.person(userId)
    const fresh = person.flags.seen === 1 ? 0 : 1
    this.set(person, { seen: 1, [flag]: 1 })
    return fresh
  }

  /**
   * Someone's presence: `arrived` when they were not present before, `departed` when they
   * were, `fresh` when the session sees them for the first time. A join of someone present
   * already (a second instance's, or one after a restart lost their leave) changes nothing.
   */
  presence(userId: string, present: boolean): { arrived: number; departed: number; fresh: number } {
    const person = this.person(userId)
    const was = person.flags.present === 1
    if (present === was) return { arrived: 0, departed: 0, fresh: 0 }
    if (!present) {
      this.set(person, { present: 0 })
      return { arrived: 0, departed: 1, fresh: 0 }
    }
    const fresh = person.flags.seen === 1 ? 0 : 1
    this.set(person, { seen: 1, present: 1 })
    return { arrived: 1, departed: 0, fresh }
  }

  /** `userId` acted as staff (moderated, answered, changed the status). */
  staff(userId: string | null): void {
    if (!userId || this.batch.knownOnly(this.sessionId, userId, Fact.staff)) return
    this.set(this.person(userId), { staff: 1 })
  }

  question(questionId: string):
    | {
        askedAt: number | null
        publishedAt: number | null
        answeredAt: number | null
        moderatedAt: number | null
      }
    | undefined {
    if (!this.batch.hasQuestion(this.sessionId, questionId)) return undefined
    const { fields } = this.batch.question(this.sessionId, questionId)
    return {
      askedAt: fields.asked_at,
      publishedAt: fields.published_at,
      answeredAt: fields.answered_at,
      moderatedAt: fields.moderated_at,
    }
  }

  /** Sets a question's fields, making its row if it has none (an imported question's). */
  setQuestion(questionId: string, fields: Partial<QuestionFields>): void {
    const question = this.batch.question(this.sessionId, questionId)
    for (const [name, value] of Object.entries(fields) as Array<[keyof QuestionFields, never]>) {
      question.fields[name] = value
      question.changed.add(name)
    }
  }

  addVote(questionId: string, delta: 1 | -1): void {
    this.batch.question(this.sessionId, questionId).votes += delta
  }
}
