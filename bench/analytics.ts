import { get as httpGet } from 'node:http'
import { parseArgs } from 'node:util'
import { EventRecorder } from '../sync-server/src/analytics/record/record.ts'
import { EventLog } from '../sync-server/src/events/log.ts'
import type { DomainEvent, EventDraft } from '../sync-server/src/events/types.ts'
import { signInByEmail } from '../test-support/accounts.ts'
import { startInbox } from '../test-support/mail.ts'
import { request, startPodium, type TestPodium } from '../test-support/podium.ts'
import { createTestSchema, type TestSchema } from '../test-support/postgres.ts'
import { newHistogram, recordMs, summarize } from './src/stats/histogram.ts'

/**
 * `npm run bench:analytics`: an instance's history of `--events` domain events (10
 * million by default) over `--sessions` hour-long sessions, stored as the ingest stores
 * them (the event log, a transaction per 5,000) and recorded by analytics as it records
 * everything (the bus, in batches), on SQLite or on Postgres (`--postgres`). Then every
 * analytics route is timed through HTTP, `--samples` times each, against the target of
 * p95 ≤ 100 ms. Exports are streamed: their time is to the first byte, and the whole of
 * a rollup export is timed too. `--direct` loads faster for the full 10 million: each chunk
 * goes through analytics's own recorder in a transaction, as the bus would hand it, but
 * without the event log and the other subscribers; the tables come out the same.
 */
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    sessions: { type: 'string', default: '100' },
    samples: { type: 'string', default: '50' },
    postgres: { type: 'boolean', default: false },
    /** Record straight into analytics's tables (the recorder the bus runs), skipping the event log. */
    direct: { type: 'boolean', default: false },
  },
})
const totalEvents = Number(values.events)
const sessionCount = Number(values.sessions)
const samples = Number(values.samples)
const TARGET_P95_MS = 100
const CHUNK = 5_000
const HOUR = 3_600_000

/** A small deterministic generator (mulberry32): the same history every run. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/**
 * One session's hour, in time order, in chunks: everyone joins in the first five minutes
 * and leaves in the last five; between, asks (a third queued, then approved or
 * rejected by a moderator), votes and unvotes, replies, answers and video reports, in
 * the proportions of a busy Q&A (votes most of all).
 */
function* sessionEvents(sessionId: string, start: number, count: number): Generator<EventDraft[]> {
  const rnd = random(count ^ sessionId.length ^ start)
  const people = Math.max(4, Math.ceil(count / 40))
  const person = (i: number) => `${sessionId}-p${i}`
  const questions: string[] = []
  const pending: string[] = []
  let batch: EventDraft[] = []
  let made = 0
  const push = (e: EventDraft) => {
    batch.push(e)
    made++
  }
  const base = { sessionId }
  for (let i = 0; i < people && made < count; i++)
    push({
      ...base,
      type: 'participant.joined',
      userId: person(i),
      at: start + (i * 300_000) / people,
    })
  const middle = count - made - Math.min(people, count - made)
  for (let k = 0; k < middle; k++) {
    const at = start + 300_000 + Math.floor((k * (HOUR - 600_000)) / Math.max(1, middle))
    const who = person(Math.floor(rnd() * people))
    const roll = rnd()
    if (roll < 0.08 || questions.length === 0) {
      const questionId = `${sessionId}-q${questions.length + pending.length}`
      const queued = rnd() < 0.33
      push({ ...base, type: 'question.asked', questionId, authorId: who, queued, at })
      if (queued) pending.push(questionId)
      else {
        questions.push(questionId)
        push({ ...base, type: 'question.published', questionId, authorId: who, by: null, at })
        k++
      }
    } else if (roll < 0.12 && pending.length > 0) {
      const questionId = pending.shift()!
      if (rnd() < 0.8) {
        questions.push(questionId)
        push({ ...base, type: 'question.published', questionId, authorId: who, by: 'mod', at })
      } else
        push({
          ...base,
          type: 'question.rejected',
          questionId,
          authorId: who,
          reason: 'moderator-rejected',
          by: 'mod',
          at,
        })
    } else if (roll < 0.16) {
      const questionId = questions[Math.floor(rnd() * questions.length)]!
      push({
        ...base,
        type: 'reply.posted',
        replyId: `${questionId}-r${k}`,
        questionId,
        authorId: who,
        by: null,
        at,
      })
    } else if (roll < 0.17) {
      const questionId = questions[Math.floor(rnd() * questions.length)]!
      push({ ...base, type: 'question.answered', questionId, by: 'host', at })
    } else if (roll < 0.21) {
      const poor = rnd() < 0.1
      push({
        ...base,
        type: 'video.quality',
        userId: who,
        feed: 'camera',
        rttMs: poor ? 600 : 80 + Math.floor(rnd() * 100),
        lossPct: poor ? 9 : rnd(),
        jitterMs: 5 + Math.floor(rnd() * 20),
        bitrateKbps: 800 + Math.floor(rnd() * 800),
        fps: 24 + Math.floor(rnd() * 6),
        at,
      })
    } else {
      const questionId = questions[Math.floor(rnd() * questions.length)]!
      push({ ...base, type: 'vote.counted', questionId, userId: who, up: rnd() < 0.93, at })
    }
    if (batch.length >= CHUNK) {
      yield batch
      batch = []
    }
  }
  for (let i = 0; made < count; i++)
    push({
      ...base,
      type: 'participant.left',
      userId: person(i % people),
      at: start + HOUR - 300_000 + i,
    })
  if (batch.length > 0) yield batch
}

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
  server = await startPodium({
    SMTP_URL: inbox.url,
    ...(schema ? { DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema } : {}),
  })
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

  // The history, as the ingest writes it; analytics records it as it lands.
  const log = new EventLog(db)
  const started = performance.now()
  const perSession = Math.floor(totalEvents / sessionCount)
  const t0 = Date.now() - (sessionCount + 1) * HOUR
  let stored = 0
  const recorder = new EventRecorder(db.dialect)
  for (const [i, session] of sessions.entries()) {
    const count = i === 0 ? totalEvents - perSession * (sessionCount - 1) : perSession
    for (const chunk of sessionEvents(session.id, t0 + i * HOUR, count)) {
      if (values.direct) {
        const numbered = chunk.map((e, n) => ({ ...e, seq: stored + n + 1 }) as DomainEvent)
        for (let b = 0; b < numbered.length; b += 200)
          await db.kysely
            .transaction()
            .execute((trx) => recorder.record(numbered.slice(b, b + 200), trx))
            .then(() => recorder.committed())
      } else {
        await db.kysely.transaction().execute((trx) => log.append(trx, chunk))
        events.committed()
      }
      stored += chunk.length
    }
    if ((i + 1) % Math.max(1, Math.floor(sessionCount / 10)) === 0)
      process.stdout.write(`  ${stored.toLocaleString('en')} events stored\n`)
  }
  const storedMs = performance.now() - started
  await events.drain()
  const recordedMs = performance.now() - started
  const raw = await db.kysely
    .selectFrom('analytics_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()

  // Every route, timed.
  const big = sessions[0]!
  const api = (path: string) => `${server!.url}/api${path}`
  const routes: Array<[string, () => Promise<number>]> = [
    ['report (whole session)', () => timeGet(api(`/sessions/${big.id}/analytics`), big.hostToken)],
    [
      'report (15 min, 1 min buckets)',
      () =>
        timeGet(
          api(`/sessions/${big.id}/analytics?from=${t0 + 600_000}&to=${t0 + 1_500_000}&bucket=1m`),
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
  process.stdout.write(
    `\nAnalytics: ${Number(raw.n).toLocaleString('en')} events over ${sessionCount} sessions on ${values.postgres ? 'Postgres' : 'SQLite'}${values.direct ? ', recorded directly' : ''}\n` +
      `stored in ${(storedMs / 1000).toFixed(1)} s, recorded by ${(recordedMs / 1000).toFixed(1)} s: ` +
      `${Math.round(totalEvents / (recordedMs / 1000)).toLocaleString('en')} events/s\n\n`,
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
  if (over) {
    process.stdout.write(`\nA route's p95 is over the ${TARGET_P95_MS} ms target.\n`)
    process.exitCode = 1
  }
} finally {
  await server?.close()
  await schema?.drop()
  await inbox.close()
}
