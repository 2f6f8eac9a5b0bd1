import { type RawBuilder, sql, type Transaction } from 'kysely'
import type { DialectName } from '../../db/migrations/types.ts'
import type { AnalyticsMinutesTable, Database } from '../../db/schema.ts'

/** The summed columns of a minute's rollup. */
export type Counter = Exclude<
  keyof AnalyticsMinutesTable,
  'session_id' | 'minute' | 'peak_present' | 'end_present'
>
export type Counts = Partial<Record<Counter, number>>

export const MINUTE_MS = 60_000
export const minuteOf = (at: number): number => Math.floor(at / MINUTE_MS)

/** What a batch's events add to one minute of a session. */
export interface MinuteChange {
  sessionId: string
  minute: number
  counts: Counts
  /** The most present at once during those events (and just before the first). */
  peak: number
  /** Present after the last of them. */
  end: number
}

/**
 * Adds a batch's counts to a minute's row, made when it is the minute's first: the
 * counters are summed, the peak is the larger of the two, the level at the minute's end
 * is the batch's.
 */
export async function addToMinute(
  trx: Transaction<Database>,
  dialect: DialectName,
  change: MinuteChange,
): Promise<void> {
  const { sessionId, minute, counts, peak, end } = change
  const set: Record<string, RawBuilder<number>> = {}
  for (const name of Object.keys(counts) as Counter[])
    set[name] =
      sql<number>`${sql.ref(`analytics_minutes.${name}`)} + ${sql.ref(`excluded.${name}`)}`
  // SQLite's two-argument max() is Postgres's greatest().
  const greatest = sql.raw(dialect === 'postgres' ? 'greatest' : 'max')
  set.peak_present = sql<number>`${greatest}(analytics_minutes.peak_present, excluded.peak_present)`
  set.end_present = sql<number>`excluded.end_present`
  await trx
    .insertInto('analytics_minutes')
    .values({ session_id: sessionId, minute, peak_present: peak, end_present: end, ...counts })
    .onConflict((oc) => oc.columns(['session_id', 'minute']).doUpdateSet(set))
    .execute()
}
