import { get as httpGet } from 'node:http'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { EventRecorder } from '../sync-server/src/analytics/record/record.ts'
import { EventLog } from '../sync-server/src/events/log.ts'
import type { DomainEvent, EventDraft } from '../sync-server/src/events/types.ts'
import { signInByEmail } from '../test-support/accounts.ts'
import { startInbox } from '../test-support/mail.ts'
import { request, startPodium, type TestPodium } from '../test-support/podium.ts'
import { createTestSchema, type TestSchema } from '../test-support/postgres.ts'
import { copySessions, templateColumns } from './src/analytics/clone.ts'
import { HOUR, sessionEvents } from './src/analytics/history.ts'
import { verifyCopy } from './src/analytics/verify.ts'
import { newHistogram, recordMs, summarize } from './src/stats/histogram.ts'

/**
 * `npm run bench:analytics`: an instance's history of `--events` domain events (200,000 by
 * default; `--events 10000000` for the target's 10 million) over `--sessions` hour-long
 * sessions, on SQLite or on Postgres (`--postgres`). Then every analytics route is timed
 * through HTTP, `--samples` times each, against the target of p95 ≤ 100 ms. Exports are
 * streamed: their time is to the first byte, and the whole of a rollup export is timed too.
 *
 * How the history gets there (`--load`):
 * - `bulk` (default): the first session's events are recorded by analytics's own recorder
 *   (in transactions of 200, as the bus hands them); the other sessions are copies of its
 *   rows made inside the database (clone.ts), each under its own ids and hour. One copy is
 *   then checked against a recomputation of its events (verify.ts). The event log itself
 *   is not filled (no analytics route reads it).
 * - `direct`: every session's events through the recorder, without the event log.
 * - `ingest`: every event stored in the event log as the ingest stores it (a transaction
 *   per 5,000) and recorded by the bus, as everything is.
 */
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: process.env.BENCH_ANALYTICS_EVENTS ?? '200000' },
    sessions: { type: 'string', default: '100' },
    samples: { type: 'string', default: '50' },
    postgres: { type: 'boolean', default: false },
    load: { type: 'string', default: 'bulk' },
    /** Leave the database in place afterwards (its folder or schema is printed), to look into it. */
    keep: { type: 'boolean', default: false },
  },
})
if (!['bulk', 'direct', 'ingest'].includes(values.load))
  throw new Error(`--load is bulk, direct or ingest, not ${values.load}`)
const totalEvents = Number(values.events)
const sessionCount = Number(values.sessions)
const samples = Number(values.samples)
if (!(totalEvents >= sessionCount * 50)) throw new Error('--events: at least 50 per session')
const TARGET_P95_MS = 100

/** Milliseconds to the response's end, or to its first byte (`firstByte`), over one GET. */
function timeGet(url: string, token: string, firstByte = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const req = httpGet(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode}`))
      if (firstByte)
        res.once('data', () => {
          resolve(performance.now() - started)
          res.destroy()
        })
      else res.on('data', () => {}).on('end', () => resolve(performance.now() - started))
    })
    req.on('error', reject)
  })
}

const inbox = await startInbox()
let schema: TestSchema | undefined
let server: TestPodium | undefined
try {
  schema = values.postgres ? await createTestSchema() : undefined
  server = await startPodium(
    {
      SMTP_URL: inbox.url,
      ...(schema ? { DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema } : {}),
    },
    { keepData: values.keep },
  )
  if (values.keep)
    process.stdout.write(
      `kept: ${schema ? `Postgres schema ${schema.schema}` : `SQLite under ${server.dataDir}`}\n`,
    )
  const { db, events } = server.podium.services
  const account = await signInByEmail(server.url, inbox, 'bench-analytics@example.org')
  const sessions: Array<{ id: string; hostToken: string }> = []
  for (let i = 0; i < sessionCount; i++) {
    const made = await request<{ id: string; hostToken: string }>(`${server.url}/api/sessions`, {
      token: account.accessToken,
      body: { title: `Bench ${i}` },
    })
    if (made.status !== 201) throw new Error(`creating a session: ${made.status}`)
    sessions.push(made.body)
  }

  const log = new EventLog(db)
  const recorder = new EventRecorder(db.dialect)
  /** A chunk through analytics's recorder, in transactions of 200 as the bus hands them. */
  const recordDirect = async (chunk: EventDraft[], firstSeq: number) => {
    const numbered = chunk.map((e, n) => ({ ...e, seq: firstSeq + n }) as DomainEvent)
    for (let b = 0; b < numbered.length; b += 200) {
      await db.kysely
        .transaction()
        .execute((trx) => recorder.record(numbered.slice(b, b + 200), trx))
      recorder.committed()
    }
  }
  const started = performance.now()
  const perSession = Math.floor(totalEvents / sessionCount)
  const t0 = Date.now() - (sessionCount + 1) * HOUR
  let stored = 0
  let verified = ''
  let reported = 0
  /** A line each tenth of the history stored. */
  const progress = () => {
    if (stored < reported + totalEvents / 10 && stored < totalEvents) return
    reported = stored
    process.stdout.write(
      `  ${stored.toLocaleString('en')} events stored (${Math.round((performance.now() - started) / 1000)} s, load ${loadavg()[0]!.toFixed(1)})\n`,
    )
  }
  if (values.load === 'bulk') {
    const template = sessions[0]!
    for (const chunk of sessionEvents(template.id, t0, perSession)) {
      await recordDirect(chunk, stored + 1)
      stored += chunk.length
    }
    const perCopy = stored
    const columns = await templateColumns(db, template.id)
    for (let i = 1; i < sessionCount; i += 5) {
      const copies = sessions.slice(i, i + 5).map((s, n) => ({
        sessionId: s.id,
        shiftMs: (i + n) * HOUR,
        seqOffset: (i + n) * perCopy,
      }))
      await copySessions(db, columns, template.id, copies)
      stored += perCopy * copies.length
      progress()
    }
    if (db.dialect === 'postgres') {
      // What autovacuum would do after so many inserts, done now rather than whenever:
      // statistics for the planner, and (by vacuum, for the tables reports read) the
      // visibility map that lets an index-only scan skip the table's rows.
      await sql`analyze`.execute(db.kysely)
      for (const table of [
        'analytics_minutes',
        'analytics_questions',
        'analytics_participants',
        'analytics_sessions',
      ])
        await sql`vacuum ${sql.table(table)}`.execute(db.kysely)
    }
    // The last copy, checked against its events recorded afresh.
    const last = sessionCount - 1
    const copy = sessions[last]!
    const events = [...sessionEvents(template.id, t0, perSession)].flat().map((e) => ({
      ...(JSON.parse(JSON.stringify(e).replaceAll(template.id, copy.id)) as EventDraft),
      at: e.at + last * HOUR,
    }))
    verified = await verifyCopy(db, copy.id, events, 1 + last * perCopy)
  } else {
    for (const [i, session] of sessions.entries()) {
      const count = i === 0 ? totalEvents - perSession * (sessionCount - 1) : perSession
      for (const chunk of sessionEvents(session.id, t0 + i * HOUR, count)) {
        if (values.load === 'direct') await recordDirect(chunk, stored + 1)
        else {
          await db.kysely.transaction().execute((trx) => log.append(trx, chunk))
          events.committed()
        }
        stored += chunk.length
      }
      progress()
    }
  }
  const storedMs = performance.now() - started
  await events.drain()
  const recordedMs = performance.now() - started
  const raw = await db.kysely
    .selectFrom('analytics_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()

  // Every route, timed.
  // Bulk: the copy that was verified; otherwise the first session (the largest).
  const bigIndex = values.load === 'bulk' ? sessionCount - 1 : 0
  const big = sessions[bigIndex]!
  const bigStart = t0 + bigIndex * HOUR
  const api = (path: string) => `${server!.url}/api${path}`
  const routes: Array<[string, () => Promise<number>]> = [
    ['report (whole session)', () => timeGet(api(`/sessions/${big.id}/analytics`), big.hostToken)],
    [
      'report (15 min, 1 min buckets)',
      () =>
        timeGet(
          api(
            `/sessions/${big.id}/analytics?from=${bigStart + 600_000}&to=${bigStart + 1_500_000}&bucket=1m`,
          ),
          big.hostToken,
        ),
    ],
    [
      `compare (${Math.min(20, sessionCount)} sessions)`,
      () =>
        timeGet(
          api(
            `/analytics/compare?sessions=${sessions
              .slice(0, 20)
              .map((s) => s.id)
              .join(',')}`,
          ),
          account.accessToken,
        ),
    ],
    [
      'export.csv rollups (whole)',
      () => timeGet(api(`/sessions/${big.id}/analytics/export.csv`), big.hostToken),
    ],
    [
      'export.csv events (first byte)',
      () => timeGet(api(`/sessions/${big.id}/analytics/export.csv?of=events`), big.hostToken, true),
    ],
    [
      'export.json events (first byte)',
      () =>
        timeGet(api(`/sessions/${big.id}/analytics/export.json?of=events`), big.hostToken, true),
    ],
    [
      'live (first figures)',
      () => timeGet(api(`/sessions/${big.id}/analytics/live`), big.hostToken, true),
    ],
  ]
  const line = (name: string, ...cells: Array<string | number>) =>
    process.stdout.write(
      `| ${name.padEnd(34)} | ${cells.map((c) => String(c).padStart(9)).join(' | ')} |\n`,
    )
  const loadBefore = loadavg()
  process.stdout.write(
    `\nAnalytics: ${Number(raw.n).toLocaleString('en')} events over ${sessionCount} sessions on ${values.postgres ? 'Postgres' : 'SQLite'}, loaded ${values.load}\n` +
      `stored in ${(storedMs / 1000).toFixed(1)} s, recorded by ${(recordedMs / 1000).toFixed(1)} s: ` +
      `${Math.round(stored / (recordedMs / 1000)).toLocaleString('en')} events/s\n` +
      (verified ? `a copy checked against its events recorded afresh: ${verified} equal\n` : '') +
      `load average before timing: ${loadBefore.map((l) => l.toFixed(2)).join(', ')}\n\n`,
  )
  line('route', 'p50 ms', 'p95 ms', 'max ms')
  let over = false
  for (const [name, run] of routes) {
    await run() // warm
    const histogram = newHistogram()
    for (let i = 0; i < samples; i++) recordMs(histogram, await run())
    const s = summarize(histogram)
    const p95 = Math.round(histogram.getValueAtPercentile(95)) / 1000
    histogram.destroy()
    line(name, s.p50.toFixed(1), p95.toFixed(1), s.max.toFixed(1))
    if (p95 > TARGET_P95_MS) over = true
  }
  process.stdout.write(
    `\nload average after timing: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}\n`,
  )
  if (over) {
    process.stdout.write(`\nA route's p95 is over the ${TARGET_P95_MS} ms target.\n`)
    process.exitCode = 1
  }
} finally {
  await server?.close()
  if (!values.keep) await schema?.drop()
  await inbox.close()
}
