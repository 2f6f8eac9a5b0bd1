import type { Transaction } from 'kysely'
import type { AnalyticsQuestionsTable, Database } from '../db/schema.ts'

/**
 * Where a session stands, as the subscriber needs it to turn one event into counts: each
 * person's flags and presence, each question's times. Every function works inside the
 * subscriber's transaction and returns what the event adds to its minute.
 */
export class SessionState {
  constructor(
    private readonly trx: Transaction<Database>,
    readonly sessionId: string,
    /** The event's time. */
    private readonly at: number,
  ) {}

  private participant(userId: string) {
    return this.trx
      .selectFrom('analytics_participants')
      .select(['seen', 'present'])
      .where('session_id', '=', this.sessionId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
  }

  /**
   * Someone asked, voted or replied: their flag is set. Returns 1 when this is the first
   * the session sees of them (a new participant), else 0.
   */
  async tookPart(userId: string, flag: 'asked' | 'voted' | 'replied'): Promise<number> {
    const { trx, sessionId } = this
    // The usual case in one statement: someone already seen.
    const done = await trx
      .updateTable('analytics_participants')
      .set({ [flag]: 1 })
      .where('session_id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('seen', '=', 1)
      .executeTakeFirst()
    if (Number(done.numUpdatedRows) > 0) return 0
    return this.seen(userId, { [flag]: 1 })
  }

  /** Marks someone seen (with `also`); 1 when they were not before. */
  private async seen(
    userId: string,
    also: { asked?: number; voted?: number; replied?: number; present?: number },
  ): Promise<number> {
    const { trx, sessionId } = this
    const row = await this.participant(userId)
    if (!row) {
      await trx
        .insertInto('analytics_participants')
        .values({ session_id: sessionId, user_id: userId, first_at: this.at, seen: 1, ...also })
        .execute()
      return 1
    }
    await trx
      .updateTable('analytics_participants')
      .set({ seen: 1, ...also })
      .where('session_id', '=', sessionId)
      .where('user_id', '=', userId)
      .execute()
    return Number(row.seen) === 1 ? 0 : 1
  }

  /**
   * Someone's presence: `arrived` when they were not present before, `departed` when they
   * were, `fresh` when the session sees them for the first time. A join of someone present
   * already (a second instance's, or one after a restart lost their leave) changes nothing.
   */
  async presence(
    userId: string,
    present: boolean,
  ): Promise<{ arrived: number; departed: number; fresh: number }> {
    const row = await this.participant(userId)
    const was = Number(row?.present ?? 0) === 1
    if (present) {
      if (was) return { arrived: 0, departed: 0, fresh: 0 }
      const fresh = await this.seen(userId, { present: 1 })
      return { arrived: 1, departed: 0, fresh }
    }
    if (!was) return { arrived: 0, departed: 0, fresh: 0 }
    await this.trx
      .updateTable('analytics_participants')
      .set({ present: 0 })
      .where('session_id', '=', this.sessionId)
      .where('user_id', '=', userId)
      .execute()
    return { arrived: 0, departed: 1, fresh: 0 }
  }

  /** `userId` acted as staff (moderated, answered, changed the status). */
  async staff(userId: string | null): Promise<void> {
    if (!userId) return
    const { trx, sessionId } = this
    const done = await trx
      .updateTable('analytics_participants')
      .set({ staff: 1 })
      .where('session_id', '=', sessionId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    if (Number(done.numUpdatedRows) > 0) return
    await trx
      .insertInto('analytics_participants')
      .values({ session_id: sessionId, user_id: userId, first_at: this.at, staff: 1 })
      .execute()
  }

  async question(questionId: string) {
    const row = await this.trx
      .selectFrom('analytics_questions')
      .select(['asked_at', 'published_at', 'answered_at', 'moderated_at'])
      .where('session_id', '=', this.sessionId)
      .where('question_id', '=', questionId)
      .executeTakeFirst()
    if (!row) return undefined
    return {
      askedAt: nullableNumber(row.asked_at),
      publishedAt: nullableNumber(row.published_at),
      answeredAt: nullableNumber(row.answered_at),
      moderatedAt: nullableNumber(row.moderated_at),
    }
  }

  /** Sets a question's fields, making its row if it has none (an imported question's). */
  async setQuestion(
    questionId: string,
    fields: Partial<Omit<AnalyticsQuestionsTable, 'session_id' | 'question_id' | 'votes'>>,
  ): Promise<void> {
    await this.trx
      .insertInto('analytics_questions')
      .values({ session_id: this.sessionId, question_id: questionId, ...fields })
      .onConflict((oc) => oc.columns(['session_id', 'question_id']).doUpdateSet(fields))
      .execute()
  }

  async addVote(questionId: string, delta: 1 | -1): Promise<void> {
    const done = await this.trx
      .updateTable('analytics_questions')
      .set((eb) => ({ votes: eb('votes', '+', delta) }))
      .where('session_id', '=', this.sessionId)
      .where('question_id', '=', questionId)
      .executeTakeFirst()
    if (Number(done.numUpdatedRows) > 0) return
    await this.trx
      .insertInto('analytics_questions')
      .values({ session_id: this.sessionId, question_id: questionId, votes: delta })
      .execute()
  }
}

function nullableNumber(value: number | null): number | null {
  return value === null ? null : Number(value)
}
