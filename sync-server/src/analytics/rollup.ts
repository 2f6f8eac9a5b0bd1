import { type RawBuilder, sql, type Transaction } from 'kysely'
import type { DialectName } from '../db/migrations/types.ts'
import type { AnalyticsMinutesTable, Database } from '../db/schema.ts'

/** The summed columns of a minute's rollup. */
export type Counter = Exclude<
  keyof AnalyticsMinutesTable,
  'session_id' | 'minute' | 'peak_present' | 'end_present'
>
export type Counts = Partial<Record<Counter, number>>

export const MINUTE_MS = 60_000
export const minuteOf = (at: number): number => Math.floor(at / MINUTE_MS)

/** How many were present before and after the event (equal when it changed nothing). */
export interface Level {
  before: number
  after: number
}

/**
 * Adds an event's counts to its minute's row, made when it is the minute's first. A new
 * row starts from the level before the event, so its peak covers the minute's start; a
 * presence change raises the peak and sets the level at the minute's end.
 */
export async function addToMinute(
  trx: Transaction<Database>,
  dialect: DialectName,
  sessionId: string,
  minute: number,
  counts: Counts,
  level: Level,
): Promise<void> {
  const changed = level.before !== level.after
  const names = Object.keys(counts) as Counter[]
  if (names.length === 0 && !changed) return
  const set: Record<string, RawBuilder<number>> = {}
  for (const name of names)
    set[name] =
      sql<number>`${sql.ref(`analytics_minutes.${name}`)} + ${sql.ref(`excluded.${name}`)}`
  if (changed) {
    // SQLite's two-argument max() is Postgres's greatest().
    const greatest = sql.raw(dialect === 'postgres' ? 'greatest' : 'max')
    set.peak_present = sql<number>`${greatest}(analytics_minutes.peak_present, excluded.peak_present)`
    set.end_present = sql<number>`excluded.end_present`
  }
  await trx
    .insertInto('analytics_minutes')
    .values({
      session_id: sessionId,
      minute,
      peak_present: Math.max(level.before, level.after),
      end_present: level.after,
      ...counts,
    })
    .onConflict((oc) => oc.columns(['session_id', 'minute']).doUpdateSet(set))
    .execute()
}

/** People present in the session now. */
export async function presentNow(trx: Transaction<Database>, sessionId: string): Promise<number> {
  const row = await trx
    .selectFrom('analytics_sessions')
    .select('present')
    .where('session_id', '=', sessionId)
    .executeTakeFirst()
  return Number(row?.present ?? 0)
}

export async function setPresent(
  trx: Transaction<Database>,
  sessionId: string,
  present: number,
): Promise<void> {
  await trx
    .insertInto('analytics_sessions')
    .values({ session_id: sessionId, present })
    .onConflict((oc) => oc.column('session_id').doUpdateSet({ present }))
    .execute()
}
