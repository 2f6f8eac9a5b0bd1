import { setImmediate as nextTurn } from 'node:timers/promises'
import { stringify } from 'csv-stringify/sync'
import type { Db } from '../../db/connect.ts'
import { VIDEO_MINUTE_COUNTERS } from '../../db/migrations/0016_analytics_video_queue.ts'
import { OPEN_MINUTE_COUNTERS } from '../../db/migrations/0020_analytics_opens.ts'
import { MINUTE_MS } from '../record/rollup.ts'

/** Rows read per query while streaming: memory stays flat however long the session. */
const PAGE = 1_000
/**
 * The first page of raw events is smaller: the download starts after one short query
 * instead of waiting for a full page to be read and formatted.
 */
const FIRST_PAGE = 100
/**
 * Raw events go a quarter of a page at a time: formatting 1,000 of them as CSV takes
 * tens of milliseconds on a busy machine, the loop's turn between two pages.
 */
const EVENT_PAGE = 250

/**
 * Before each page an export lets the event loop turn: reading and formatting runs on the
 * loop (SQLite's queries too), and while a socket takes what is written without pushing
 * back, a long export would otherwise hold the loop for its whole length (half a second
 * for a session of 100,000 events), stalling every other request and connection of the
 * instance meanwhile. The first turn comes after the head (the CSV header, the JSON's
 * opening) is written: the download has begun before the first page is read.
 */
const yieldToLoop = () => nextTurn()

export const ROLLUP_COLUMNS = [
  'at',
  'concurrent_peak',
  'concurrent_end',
  'arrived',
  'departed',
  'new_participants',
  'asked',
  'published',
  'rejected',
  'answered',
  'votes',
  'unvotes',
  'replies',
  'moderated',
  'moderation_ms',
  'answer_timed',
  'answer_ms',
  // Sums of the viewers' reports (divide by the _n beside each for the mean).
  ...VIDEO_MINUTE_COUNTERS,
  // Openings of the attendee room and of the projector.
  ...OPEN_MINUTE_COUNTERS,
] as const

export const EVENT_COLUMNS = [
  'seq',
  'at',
  'kind',
  'participant',
  'subject',
  'value',
  'detail',
] as const

type Row = Record<string, string | number | null>

export interface ExportRange {
  /** Milliseconds since the epoch; `to` excluded. */
  from?: number | undefined
  to?: number | undefined
}

/** The session's minutes, oldest first, a page at a time (`at` in ms). */
export async function* rollupPages(
  db: Db,
  sessionId: string,
  range: ExportRange,
): AsyncGenerator<Row[]> {
  let after = range.from !== undefined ? Math.floor(range.from / MINUTE_MS) - 1 : -1
  const before = range.to !== undefined ? Math.ceil(range.to / MINUTE_MS) : Number.MAX_SAFE_INTEGER
  for (;;) {
    await yieldToLoop()
    const rows = await db.kysely
      .selectFrom('analytics_minutes')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('minute', '>', after)
      .where('minute', '<', before)
      .orderBy('minute')
      .limit(PAGE)
      .execute()
    if (rows.length === 0) return
    after = Number(rows.at(-1)!.minute)
    yield rows.map((r) => ({
      at: Number(r.minute) * MINUTE_MS,
      concurrent_peak: Number(r.peak_present),
      concurrent_end: Number(r.end_present),
      arrived: Number(r.arrived),
      departed: Number(r.departed),
      new_participants: Number(r.new_participants),
      asked: Number(r.asked),
      published: Number(r.published),
      rejected: Number(r.rejected),
      answered: Number(r.answered),
      votes: Number(r.votes),
      unvotes: Number(r.unvotes),
      replies: Number(r.replies),
      moderated: Number(r.moderated),
      moderation_ms: Number(r.moderation_ms),
      answer_timed: Number(r.answer_timed),
      answer_ms: Number(r.answer_ms),
      ...Object.fromEntries(
        [...VIDEO_MINUTE_COUNTERS, ...OPEN_MINUTE_COUNTERS].map((name) => [name, Number(r[name])]),
      ),
    }))
    if (rows.length < PAGE) return
  }
}

/** The session's raw events still kept, in the order they happened, a page at a time. */
export async function* eventPages(
  db: Db,
  sessionId: string,
  range: ExportRange,
): AsyncGenerator<Row[]> {
  let after = 0
  let limit = FIRST_PAGE
  for (;;) {
    await yieldToLoop()
    let query = db.kysely
      .selectFrom('analytics_events')
      .select(['id', 'seq', 'at', 'kind', 'participant_id', 'subject_id', 'value', 'detail'])
      .where('session_id', '=', sessionId)
      .where('id', '>', after)
    if (range.from !== undefined) query = query.where('at', '>=', range.from)
    if (range.to !== undefined) query = query.where('at', '<', range.to)
    const rows = await query.orderBy('id').limit(limit).execute()
    if (rows.length === 0) return
    after = Number(rows.at(-1)!.id)
    yield rows.map((r) => ({
      seq: Number(r.seq),
      at: Number(r.at),
      kind: r.kind,
      participant: r.participant_id,
      subject: r.subject_id,
      value: r.value === null ? null : Number(r.value),
      detail: r.detail,
    }))
    if (rows.length < limit) return
    limit = EVENT_PAGE
  }
}

/**
 * CSV with a header, times as ISO 8601. Cells a spreadsheet would run as a formula are
 * escaped (a rejection's reason or an id is never one, but the rule costs nothing).
 */
export async function* asCsv(
  pages: AsyncGenerator<Row[]>,
  columns: readonly string[],
): AsyncGenerator<string> {
  const options = { columns: [...columns], escape_formulas: true }
  yield stringify([], { ...options, header: true })
  for await (const page of pages) {
    const rows = page.map((r) => ({ ...r, at: new Date(Number(r.at)).toISOString() }))
    yield stringify(rows, options)
  }
}

/** `{"sessionId", "of", "rows": [...]}`, written as the rows are read (`at` in ms). */
export async function* asJson(
  pages: AsyncGenerator<Row[]>,
  head: { sessionId: string; of: string },
): AsyncGenerator<string> {
  yield `${JSON.stringify(head).slice(0, -1)},"rows":[`
  let first = true
  for await (const page of pages) {
    const text = page.map((r) => JSON.stringify(r)).join(',\n')
    yield first ? `\n${text}` : `,\n${text}`
    first = false
  }
  yield '\n]}\n'
}
