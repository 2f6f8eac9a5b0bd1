import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { EventRecorder } from '../../../sync-server/src/analytics/record/record.ts'
import { type Db, openDatabase } from '../../../sync-server/src/db/connect.ts'
import type { DomainEvent, EventDraft } from '../../../sync-server/src/events/types.ts'

/** Tables compared, and the columns that order their rows. */
const COMPARED: Array<[table: string, order: string]> = [
  ['analytics_minutes', 'minute'],
  ['analytics_participants', 'user_id'],
  ['analytics_questions', 'question_id'],
  ['analytics_sessions', 'session_id'],
  ['analytics_events', 'id'],
]

/** Text columns: every other column is a number (Postgres hands bigints back as strings). */
const TEXT = new Set([
  'session_id',
  'kind',
  'participant_id',
  'subject_id',
  'detail',
  'user_id',
  'question_id',
  'author_id',
])

/**
 * A session's rows of a table, numbers as numbers, generated ids left out, sorted here
 * (the two databases collate text differently).
 */
async function rowsOf(db: Db, table: string, order: string, sessionId: string) {
  const { rows } = await sql<
    Record<string, unknown>
  >`select * from ${sql.table(table)} where session_id = ${sessionId}`.execute(db.kysely)
  const key = (r: Record<string, unknown>) =>
    TEXT.has(order) ? String(r[order]) : Number(r[order])
  return rows
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .map((row) =>
      Object.fromEntries(
        Object.entries(row)
          .filter(([name]) => name !== 'id')
          .map(([name, v]) => [name, v === null || TEXT.has(name) ? v : Number(v)]),
      ),
    )
}

/**
 * Records `events` (a copy's, as its session would have had them) with analytics's own
 * recorder into a fresh SQLite database, in batches of 200 as the event bus hands them,
 * and compares every table's rows for the session with what the copy holds in `db`.
 * Returns what was compared; throws on the first difference.
 */
export async function verifyCopy(
  db: Db,
  sessionId: string,
  events: EventDraft[],
  firstSeq: number,
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'podium-bench-verify-'))
  const fresh = await openDatabase({ kind: 'sqlite', file: join(dir, 'verify.sqlite') })
  try {
    const recorder = new EventRecorder(fresh.dialect)
    const numbered = events.map((e, n) => ({ ...e, seq: firstSeq + n }) as DomainEvent)
    for (let b = 0; b < numbered.length; b += 200) {
      await fresh.kysely
        .transaction()
        .execute((trx) => recorder.record(numbered.slice(b, b + 200), trx))
      recorder.committed()
    }
    const counts: string[] = []
    for (const [table, order] of COMPARED) {
      const [want, got] = await Promise.all([
        rowsOf(fresh, table, order, sessionId),
        rowsOf(db, table, order, sessionId),
      ])
      if (want.length !== got.length)
        throw new Error(`${table}: ${got.length} rows copied, ${want.length} recomputed`)
      for (let i = 0; i < want.length; i++) {
        const a = JSON.stringify(want[i])
        const b = JSON.stringify(got[i])
        if (a !== b)
          throw new Error(`${table} row ${i} differs:\n  recomputed ${a}\n  copied     ${b}`)
      }
      counts.push(`${want.length.toLocaleString('en')} ${table.replace('analytics_', '')}`)
    }
    return counts.join(', ')
  } finally {
    await fresh.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
