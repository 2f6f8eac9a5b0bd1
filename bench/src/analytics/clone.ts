import { type RawBuilder, sql } from 'kysely'
import { MINUTE_MS } from '../../../sync-server/src/analytics/record/rollup.ts'
import type { Db } from '../../../sync-server/src/db/connect.ts'

/**
 * A long history, fast: one session recorded by analytics's own recorder (the template),
 * then its rows copied inside the database, `insert ... select`, once per other session,
 * under that session's id and shifted to its hour. Every table analytics records into is
 * copied, so each copy holds exactly what recording its events would have written (ids and
 * times shifted); `verify.ts` checks one copy against a recomputation.
 */

/** The tables analytics's recorder writes (one session's rows each). */
export const RECORDED_TABLES = [
  'analytics_events',
  'analytics_minutes',
  'analytics_sessions',
  'analytics_participants',
  'analytics_questions',
  'analytics_alerts',
] as const

/** Columns holding a participant's or a question's id (the session's id is in them). */
const IDS = new Set(['participant_id', 'subject_id', 'user_id', 'question_id', 'author_id'])
/** Columns holding a time in ms (a duration such as `moderation_ms` is left alone). */
const TIMES = new Set([
  'at',
  'first_at',
  'asked_at',
  'published_at',
  'rejected_at',
  'moderated_at',
  'answered_at',
  'withdrawn_at',
  'fired_at',
  'recovered_at',
])

export interface Copy {
  sessionId: string
  /** Whole hours, so each minute stays a minute. */
  shiftMs: number
  /** Added to each raw row's `seq`, so seqs stay distinct as the event log's are. */
  seqOffset: number
}

/** The template's columns of each table it has rows in (generated ids left out). */
export async function templateColumns(db: Db, template: string): Promise<Map<string, string[]>> {
  const columns = new Map<string, string[]>()
  for (const table of RECORDED_TABLES) {
    const row = await sql<
      Record<string, unknown>
    >`select * from ${sql.table(table)} where session_id = ${template} limit 1`.execute(db.kysely)
    const first = row.rows[0]
    if (first)
      columns.set(
        table,
        Object.keys(first).filter((c) => c !== 'id'),
      )
  }
  return columns
}

function copiedValue(column: string, template: string, copy: Copy): RawBuilder<unknown> {
  const ref = sql.ref(column)
  if (column === 'session_id') return sql`cast(${copy.sessionId} as text)`
  if (IDS.has(column))
    return sql`replace(${ref}, cast(${template} as text), cast(${copy.sessionId} as text))`
  if (TIMES.has(column)) return sql`${ref} + ${sql.lit(copy.shiftMs)}`
  if (column === 'minute') return sql`${ref} + ${sql.lit(copy.shiftMs / MINUTE_MS)}`
  if (column === 'seq') return sql`${ref} + ${sql.lit(copy.seqOffset)}`
  return ref
}

/** Copies the template's rows for each of `copies`, in one transaction. */
export async function copySessions(
  db: Db,
  columns: Map<string, string[]>,
  template: string,
  copies: readonly Copy[],
): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    for (const copy of copies)
      for (const [table, names] of columns) {
        // Raw events in their order (exports page by id).
        const order =
          table === 'analytics_events' || table === 'analytics_alerts' ? sql` order by id` : sql``
        await sql`insert into ${sql.table(table)} (${sql.join(names.map((c) => sql.ref(c)))})
          select ${sql.join(names.map((c) => copiedValue(c, template, copy)))}
          from ${sql.table(table)} where session_id = ${template}${order}`.execute(trx)
      }
  })
}
