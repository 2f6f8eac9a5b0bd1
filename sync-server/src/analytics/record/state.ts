import { sql, type Transaction } from 'kysely'
import type { DialectName } from '../../db/migrations/types.ts'
import type {
  AnalyticsParticipantsTable,
  AnalyticsQuestionsTable,
  Database,
} from '../../db/schema.ts'
import type { DomainEvent } from '../../events/types.ts'
import { jsonList } from './bulk.ts'
import { Fact, type KnownFacts } from './known.ts'
import { SessionState } from './session-state.ts'

/** Reads and writes at most this many rows per statement. */
const CHUNK = 200

export type Flags = Pick<
  AnalyticsParticipantsTable,
  'seen' | 'present' | 'staff' | 'asked' | 'voted' | 'replied'
>
export interface Person {
  flags: { [K in keyof Flags]: number }
  /** What the person counted for in the session's engagement before the batch. */
  counted: Engagement
  firstAt: number
  stored: boolean
  changed: boolean
}

export type QuestionFields = Omit<AnalyticsQuestionsTable, 'session_id' | 'question_id' | 'votes'>
const QUESTION_FIELDS = [
  'author_id',
  'asked_at',
  'published_at',
  'rejected_at',
  'moderated_at',
  'moderation_ms',
  'answered_at',
  'answer_ms',
  'withdrawn_at',
] as const satisfies ReadonlyArray<keyof QuestionFields>
interface QuestionState {
  fields: QuestionFields
  stored: boolean
  changed: Set<keyof QuestionFields>
  votes: number
}

export const key = (sessionId: string, id: string) => `${sessionId}\u0000${id}`

/** The facts an event needs of a person, or `load` when it needs their row. */
function needs(e: DomainEvent): Array<[string, number | 'load']> {
  const by = 'by' in e && e.by ? ([[e.by, Fact.staff]] as Array<[string, number]>) : []
  switch (e.type) {
    case 'participant.joined':
    case 'participant.left':
      return [[e.userId, 'load']]
    case 'question.asked':
      return [[e.authorId, Fact.seen | Fact.asked]]
    case 'question.rejected':
      return e.by ? by : [[e.authorId, Fact.seen | Fact.asked]]
    case 'vote.counted':
      return e.up ? [[e.userId, Fact.seen | Fact.voted]] : []
    case 'reply.posted':
      return [[e.authorId, Fact.seen | Fact.replied], ...by]
    default:
      return by
  }
}
/** What one person adds to a session's engagement counts (see `analytics_sessions`). */
interface Engagement {
  people: number
  asked_or_replied: number
  voted_only: number
}

/** Seen and not staff counts; asking or replying is taking part, voting alone is less. */
function countedFor(flags: Person['flags']): Engagement {
  if (flags.seen !== 1 || flags.staff !== 0)
    return { people: 0, asked_or_replied: 0, voted_only: 0 }
  const took = flags.asked === 1 || flags.replied === 1 ? 1 : 0
  return { people: 1, asked_or_replied: took, voted_only: took === 0 && flags.voted === 1 ? 1 : 0 }
}

const num = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value)

/**
 * Where the sessions of one batch of events stand, read at once before the batch and
 * written at once after it: each person's flags and presence, each question's times,
 * each session's presence level. A vote storm's batch of 200 votes so costs a handful of
 * statements, not a thousand.
 */
export class BatchState {
  private readonly people = new Map<string, Person>()
  private readonly questions = new Map<string, QuestionState>()
  private readonly levels = new Map<string, { level: number; changed: boolean }>()

  private constructor(private readonly known: KnownFacts) {}

  /** Reads the rows the events touch. */
  static async load(
    trx: Transaction<Database>,
    dialect: DialectName,
    events: DomainEvent[],
    known: KnownFacts,
  ): Promise<BatchState> {
    const state = new BatchState(known)
    const users = new Map<string, Set<string>>()
    const questionIds = new Map<string, Set<string>>()
    const add = (map: Map<string, Set<string>>, sessionId: string, id: string | null) => {
      if (!id) return
      const set = map.get(sessionId) ?? new Set<string>()
      set.add(id)
      map.set(sessionId, set)
    }
    for (const e of events) {
      if (!users.has(e.sessionId)) users.set(e.sessionId, new Set())
      for (const [userId, need] of needs(e))
        if (need === 'load' || !known.has(key(e.sessionId, userId), need))
          add(users, e.sessionId, userId)
      if ('questionId' in e) add(questionIds, e.sessionId, e.questionId)
    }
    const sessions = [...users.keys()]
    for (let i = 0; i < sessions.length; i += CHUNK) {
      const rows = await trx
        .selectFrom('analytics_sessions')
        .select(['session_id', 'present'])
        .where('session_id', 'in', sessions.slice(i, i + CHUNK))
        .execute()
      for (const r of rows)
        state.levels.set(r.session_id, { level: Number(r.present), changed: false })
    }
    for (const [sessionId, ids] of users) {
      const list = [...ids]
      for (let i = 0; i < list.length; i += CHUNK) {
        const rows = await trx
          .selectFrom('analytics_participants')
          .selectAll()
          .where('session_id', '=', sessionId)
          .where('user_id', 'in', jsonList(dialect, list.slice(i, i + CHUNK)))
          .execute()
        for (const r of rows) {
          const flags = {
            seen: Number(r.seen),
            present: Number(r.present),
            staff: Number(r.staff),
            asked: Number(r.asked),
            voted: Number(r.voted),
            replied: Number(r.replied),
          }
          state.people.set(key(sessionId, r.user_id), {
            flags,
            counted: countedFor(flags),
            firstAt: Number(r.first_at),
            stored: true,
            changed: false,
          })
        }
      }
    }
    for (const [sessionId, ids] of questionIds) {
      const list = [...ids]
      for (let i = 0; i < list.length; i += CHUNK) {
        const rows = await trx
          .selectFrom('analytics_questions')
          .selectAll()
          .where('session_id', '=', sessionId)
          .where('question_id', 'in', jsonList(dialect, list.slice(i, i + CHUNK)))
          .execute()
        for (const r of rows)
          state.questions.set(key(sessionId, r.question_id), {
            fields: {
              author_id: r.author_id,
              asked_at: num(r.asked_at),
              published_at: num(r.published_at),
              rejected_at: num(r.rejected_at),
              moderated_at: num(r.moderated_at),
              moderation_ms: num(r.moderation_ms),
              answered_at: num(r.answered_at),
              answer_ms: num(r.answer_ms),
              withdrawn_at: num(r.withdrawn_at),
            },
            stored: true,
            changed: new Set(),
            votes: 0,
          })
      }
    }
    return state
  }

  /** One session's state at one event's time. */
  session(sessionId: string, at: number): SessionState {
    return new SessionState(this, sessionId, at)
  }

  level(sessionId: string): number {
    return this.levels.get(sessionId)?.level ?? 0
  }

  setLevel(sessionId: string, level: number): void {
    if (level !== this.level(sessionId)) this.levels.set(sessionId, { level, changed: true })
  }

  /** @internal */
  person(sessionId: string, userId: string, at: number): Person {
    const k = key(sessionId, userId)
    let person = this.people.get(k)
    if (!person) {
      const flags = { seen: 0, present: 0, staff: 0, asked: 0, voted: 0, replied: 0 }
      person = { flags, counted: countedFor(flags), firstAt: at, stored: false, changed: true }
      this.people.set(k, person)
    }
    return person
  }

  /** @internal */
  question(sessionId: string, questionId: string): QuestionState {
    const k = key(sessionId, questionId)
    let question = this.questions.get(k)
    if (!question) {
      const fields = Object.fromEntries(QUESTION_FIELDS.map((f) => [f, null])) as QuestionFields
      question = { fields, stored: false, changed: new Set(), votes: 0 }
      this.questions.set(k, question)
    }
    return question
  }

  /** @internal Whether the person's row is not read but `bits` are known of them. */
  knownOnly(sessionId: string, userId: string, bits: number): boolean {
    const k = key(sessionId, userId)
    return !this.people.has(k) && this.known.has(k, bits)
  }

  /** The facts the batch leaves of everyone it read or made (to learn once it commits). */
  facts(): Map<string, number> {
    const facts = new Map<string, number>()
    for (const [k, { flags }] of this.people) {
      const bits =
        (flags.seen ? Fact.seen : 0) |
        (flags.staff ? Fact.staff : 0) |
        (flags.asked ? Fact.asked : 0) |
        (flags.voted ? Fact.voted : 0) |
        (flags.replied ? Fact.replied : 0)
      if (bits) facts.set(k, bits)
    }
    return facts
  }

  /** @internal */
  hasQuestion(sessionId: string, questionId: string): boolean {
    return this.questions.has(key(sessionId, questionId))
  }

  /** Writes what the batch changed. */
  async write(trx: Transaction<Database>): Promise<void> {
    const split = (k: string) => k.split('\u0000') as [string, string]
    const newPeople = [...this.people].filter(([, p]) => !p.stored)
    for (let i = 0; i < newPeople.length; i += CHUNK) {
      await trx
        .insertInto('analytics_participants')
        .values(
          newPeople.slice(i, i + CHUNK).map(([k, p]) => {
            const [sessionId, userId] = split(k)
            return { session_id: sessionId, user_id: userId, first_at: p.firstAt, ...p.flags }
          }),
        )
        // Another instance taking the same batch at once wrote them: its cursor moved
        // first, and this transaction is rolled back when it finds so, without an error.
        .onConflict((oc) => oc.doNothing())
        .execute()
    }
    for (const [k, p] of this.people) {
      if (!p.stored || !p.changed) continue
      const [sessionId, userId] = split(k)
      await trx
        .updateTable('analytics_participants')
        .set(p.flags)
        .where('session_id', '=', sessionId)
        .where('user_id', '=', userId)
        .execute()
    }
    const newQuestions = [...this.questions].filter(([, q]) => !q.stored)
    for (let i = 0; i < newQuestions.length; i += CHUNK) {
      await trx
        .insertInto('analytics_questions')
        .values(
          newQuestions.slice(i, i + CHUNK).map(([k, q]) => {
            const [sessionId, questionId] = split(k)
            return { session_id: sessionId, question_id: questionId, ...q.fields, votes: q.votes }
          }),
        )
        // Another instance taking the same batch at once wrote them: its cursor moved
        // first, and this transaction is rolled back when it finds so, without an error.
        .onConflict((oc) => oc.doNothing())
        .execute()
    }
    for (const [k, q] of this.questions) {
      if (!q.stored || (q.changed.size === 0 && q.votes === 0)) continue
      const [sessionId, questionId] = split(k)
      const fields = Object.fromEntries([...q.changed].map((f) => [f, q.fields[f]]))
      await trx
        .updateTable('analytics_questions')
        .set((eb) => ({ ...fields, votes: eb('votes', '+', q.votes) }))
        .where('session_id', '=', sessionId)
        .where('question_id', '=', questionId)
        .execute()
    }
    for (const [sessionId, { level, changed }] of this.levels) {
      if (!changed) continue
      await trx
        .insertInto('analytics_sessions')
        .values({ session_id: sessionId, present: level })
        .onConflict((oc) => oc.column('session_id').doUpdateSet({ present: level }))
        .execute()
    }
    await this.writeEngagement(trx)
  }

  /**
   * Adds what the batch changed in each session's engagement counts: a person who became
   * seen, staff, an asker, a replier or a voter moves from one count to another. Batches
   * of a session commit one after the other (the cursor's row orders them), so adding
   * their changes keeps the counts those of the people's rows.
   */
  private async writeEngagement(trx: Transaction<Database>): Promise<void> {
    const changes = new Map<string, Engagement>()
    for (const [k, p] of this.people) {
      if (!p.changed) continue
      const now = countedFor(p.flags)
      const before = p.counted
      if (
        now.people === before.people &&
        now.asked_or_replied === before.asked_or_replied &&
        now.voted_only === before.voted_only
      )
        continue
      const sessionId = k.slice(0, k.indexOf('\u0000'))
      const change = changes.get(sessionId) ?? { people: 0, asked_or_replied: 0, voted_only: 0 }
      change.people += now.people - before.people
      change.asked_or_replied += now.asked_or_replied - before.asked_or_replied
      change.voted_only += now.voted_only - before.voted_only
      changes.set(sessionId, change)
    }
    for (const [sessionId, change] of changes) {
      const added = (name: keyof Engagement) =>
        sql<number>`${sql.ref(`analytics_sessions.${name}`)} + ${sql.ref(`excluded.${name}`)}`
      await trx
        .insertInto('analytics_sessions')
        .values({ session_id: sessionId, ...change })
        .onConflict((oc) =>
          oc.column('session_id').doUpdateSet({
            people: added('people'),
            asked_or_replied: added('asked_or_replied'),
            voted_only: added('voted_only'),
          }),
        )
        .execute()
    }
  }
}
