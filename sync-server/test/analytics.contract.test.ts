import { HttpProblem } from '@podium/shared/server'
import { sql } from 'kysely'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Analytics } from '../src/analytics/analytics.ts'
import { LiveFeed } from '../src/analytics/report/live.ts'
import { AnalyticsReader } from '../src/analytics/report/report.ts'
import { DAY_MS } from '../src/analytics/retention.ts'
import type { Db } from '../src/db/connect.ts'
import { EventBus } from '../src/events/bus.ts'
import { EventLog } from '../src/events/log.ts'
import type { EventData, EventDraft } from '../src/events/types.ts'
import {
  at,
  type Cast,
  EXPECTED_ALERTS,
  EXPECTED_ENGAGEMENT,
  EXPECTED_EVENT_KINDS,
  EXPECTED_FUNNEL,
  EXPECTED_ROLLUP_CSV,
  EXPECTED_SERIES,
  EXPECTED_SERIES_5M,
  EXPECTED_TOTALS,
  scriptedEvents,
  T0,
} from './helpers/analytics-script.ts'
import { DIALECTS, openTestDatabase } from './helpers/databases.ts'

// Analytics on both databases, fed as the ingest feeds it: the scripted session's events
// stored in the event log and delivered by the bus. The figures are the script's, exactly;
// a restart records nothing twice; the retention drops raw events and keeps the rollups.

const quiet = pino({ level: 'silent' })

const cast: Cast = {
  sessionId: 'session-1',
  host: 'host-user',
  alice: 'alice-user',
  bob: 'bob-user',
  carol: 'carol-user',
  dave: 'dave-user',
  erin: 'erin-user',
}
const questions = { q1: 'question-1', q2: 'question-2', q3: 'question-3', q4: 'question-4' }
const session = { id: cast.sessionId, created_at: T0 - 60_000 }

async function text(chunks: AsyncGenerator<string>): Promise<string> {
  let out = ''
  for await (const chunk of chunks) out += chunk
  return out
}

for (const kind of DIALECTS) {
  const open = () => openTestDatabase(kind)
  describe(`analytics on ${kind}`, () => {
    let db: Db
    let dispose: () => unknown
    const running: Array<{ bus: EventBus; analytics: Analytics }> = []
    let now = T0

    /** Analytics as app.ts builds it, on its own bus (a restart makes a new one). */
    function start(retentionDays = 365) {
      const bus = new EventBus(db, new EventLog(db), quiet, 50)
      const analytics = new Analytics({
        db,
        events: bus,
        log: quiet,
        retentionDays,
        clock: () => now,
      })
      analytics.start()
      running.push({ bus, analytics })
      return { bus, analytics }
    }
    async function stop() {
      for (const r of running.splice(0)) {
        await r.analytics.stop()
        await r.bus.stop()
      }
    }
    const append = (events: EventDraft[]) =>
      db.kysely.transaction().execute((trx) => new EventLog(db).append(trx, events))

    beforeEach(async () => {
      ;({ db, dispose } = await open())
      now = T0
    })
    afterEach(async () => {
      await stop()
      await db.close()
      await dispose()
    })

    it('[AN-1] gives exactly the scripted series, totals, score and top question', async () => {
      await append(scriptedEvents(cast, questions))
      const { bus, analytics } = start()
      await bus.drain()
      const report = await analytics.report(session, {})
      expect(report.range).toEqual({ from: T0, to: at(9), bucketMinutes: 1 })
      expect(report.series).toEqual(EXPECTED_SERIES)
      expect(report.totals).toEqual(EXPECTED_TOTALS)
      expect(report.engagement).toEqual(EXPECTED_ENGAGEMENT)
      expect(report.funnel).toEqual(EXPECTED_FUNNEL)
      expect(report.topQuestions).toEqual([
        { questionId: questions.q1, votes: 3, askedAt: at(1), answeredAt: at(5) },
      ])
      expect(report.alerts).toEqual(EXPECTED_ALERTS)
      const fives = await analytics.report(session, { bucket: 5 })
      expect(fives.range).toEqual({ from: T0, to: at(9), bucketMinutes: 5 })
      expect(fives.series).toEqual(EXPECTED_SERIES_5M)
      expect(fives.totals).toEqual(EXPECTED_TOTALS)
    })

    it('[AN-26] comparisons give each session what its whole report gives, in grouped queries', async () => {
      await append([
        ...scriptedEvents(cast, questions),
        {
          type: 'video.quality',
          sessionId: cast.sessionId,
          at: at(3, 5),
          userId: cast.alice,
          feed: 'camera',
          rttMs: 640,
          lossPct: 2,
          jitterMs: 10,
          bitrateKbps: 900,
          fps: null,
        },
      ])
      const { bus, analytics } = start()
      await bus.drain()
      const quiet = { id: 'session-quiet', created_at: T0 + 3_600_000 }
      const [scripted, nothing] = await analytics.summaries([session, quiet])
      const whole = await analytics.report(session, {})
      expect(scripted).toEqual({
        sessionId: session.id,
        range: { from: whole.range.from, to: whole.range.to },
        totals: whole.totals,
        engagement: whole.engagement,
      })
      expect(scripted!.totals).toEqual({
        ...EXPECTED_TOTALS,
        video: {
          reports: 1,
          poor: 1,
          rttMs: 640,
          lossPct: 2,
          jitterMs: 10,
          bitrateKbps: 900,
          fps: null,
        },
      })
      const empty = await analytics.report(quiet, {})
      expect(nothing).toEqual({
        sessionId: quiet.id,
        range: { from: empty.range.from, to: empty.range.to },
        totals: empty.totals,
        engagement: empty.engagement,
      })
    })

    it('[AN-31] a comparison of several sessions gives each its exact figures', async () => {
      // Four sessions recorded in two rounds, so people's flags change in a later batch
      // than the one that first counted them (Ivy votes, then replies; Hank votes, then
      // answers as staff). Each figure below is worked out by hand from the events.
      const T2 = T0 + 2 * 3_600_000
      const T3 = T0 + 3 * 3_600_000
      const at2 = (minute: number, second = 0, ms = 0) => T2 + minute * 60_000 + second * 1_000 + ms
      const two = (draft: EventData & { at: number }): EventDraft => ({
        ...draft,
        sessionId: 'session-2',
      })
      const ask = (minute: number, second: number, questionId: string, authorId: string) =>
        two({ type: 'question.asked', at: at2(minute, second), questionId, authorId, queued: true })
      const vote = (second: number, questionId: string, userId: string, up = true) =>
        two({ type: 'vote.counted', at: at2(3, second), questionId, userId, up })
      const joins = ['host-2', 'frank', 'gina', 'hank', 'jack', 'kim', 'lee'].map((userId, i) =>
        two({ type: 'participant.joined', at: at2(0, i * 5), userId }),
      )
      const firstRound: EventDraft[] = [
        ...scriptedEvents(cast, questions),
        ...joins,
        ask(1, 0, 'qa', 'frank'),
        ask(1, 10, 'qb', 'gina'),
        ask(1, 20, 'qc', 'frank'),
        // Moderation delays 30, 50 and 70 s: the median is the middle one.
        two({
          type: 'question.published',
          at: at2(1, 30),
          questionId: 'qa',
          authorId: 'frank',
          by: 'host-2',
        }),
        two({
          type: 'question.rejected',
          at: at2(2),
          questionId: 'qb',
          authorId: 'gina',
          reason: 'moderator-rejected',
          by: 'host-2',
        }),
        two({
          type: 'question.published',
          at: at2(2, 30),
          questionId: 'qc',
          authorId: 'frank',
          by: 'host-2',
        }),
        vote(0, 'qa', 'hank'),
        vote(5, 'qa', 'gina'),
        vote(10, 'qc', 'ivy'),
        vote(15, 'qc', 'jack'),
        vote(20, 'qc', 'jack', false),
        two({
          type: 'video.quality',
          at: at2(3, 30),
          userId: 'kim',
          feed: 'camera',
          rttMs: 100,
          lossPct: 1,
          jitterMs: 5,
          bitrateKbps: 1200,
          fps: 30,
        }),
      ]
      const secondRound: EventDraft[] = [
        // Answer delays 150 s, 120 s, 50.001 s and 45 s: the median is the mean of the two
        // middle ones, 85,000.5 ms, rounded to 85,001.
        two({ type: 'question.answered', at: at2(4), questionId: 'qa', by: 'host-2' }),
        two({ type: 'question.answered', at: at2(4, 30), questionId: 'qc', by: 'hank' }),
        two({
          type: 'reply.posted',
          at: at2(5),
          replyId: 'reply-2',
          questionId: 'qa',
          authorId: 'ivy',
          by: null,
        }),
        two({
          type: 'question.asked',
          at: at2(5, 10),
          questionId: 'qd',
          authorId: 'gina',
          queued: false,
        }),
        two({
          type: 'question.published',
          at: at2(5, 10),
          questionId: 'qd',
          authorId: 'gina',
          by: null,
        }),
        two({
          type: 'question.asked',
          at: at2(5, 20),
          questionId: 'qe',
          authorId: 'frank',
          queued: false,
        }),
        two({
          type: 'question.published',
          at: at2(5, 20),
          questionId: 'qe',
          authorId: 'frank',
          by: null,
        }),
        two({ type: 'question.answered', at: at2(6, 0, 1), questionId: 'qd', by: 'host-2' }),
        two({ type: 'question.answered', at: at2(6, 5), questionId: 'qe', by: 'host-2' }),
        two({ type: 'participant.left', at: at2(6, 30), userId: 'frank' }),
        two({ type: 'session.status-changed', at: at2(7), status: 'ended', by: 'host-2' }),
        // Nobody joined the third session: a rule refused its only ask.
        {
          type: 'question.rejected',
          sessionId: 'session-3',
          at: T3 + 10_000,
          questionId: 'qz',
          authorId: 'mona',
          reason: 'too-long',
          by: null,
        },
      ]
      const { bus, analytics } = start()
      await append(firstRound)
      await bus.drain()
      await append(secondRound)
      await bus.drain()

      const sessions = [
        { id: 'session-2', created_at: T2 - 60_000 },
        session,
        { id: 'session-3', created_at: T3 - 60_000 },
        { id: 'session-quiet', created_at: T0 + 4 * 3_600_000 },
      ]
      const compared = await analytics.summaries(sessions)
      expect(compared).toEqual([
        {
          sessionId: 'session-2',
          range: { from: T2, to: T2 + 7 * 60_000 },
          totals: {
            // Everyone seen, staff too: seven came, Ivy was seen voting.
            participants: { unique: 8, peakConcurrent: 7 },
            questions: { asked: 5, published: 4, rejected: 1, answered: 4 },
            votes: 4,
            unvotes: 1,
            replies: 1,
            medianModerationMs: 50_000,
            medianAnswerMs: 85_001,
            video: {
              reports: 1,
              poor: 0,
              rttMs: 100,
              lossPct: 1,
              jitterMs: 5,
              bitrateKbps: 1200,
              fps: 30,
            },
            opens: { room: 0, projector: 0 },
          },
          // Frank, Gina and Ivy asked or replied, Jack only voted, Kim and Lee did nothing;
          // the host and Hank (who answered) are staff: (3 + ½) / 6.
          engagement: { score: 58, people: 6, askedOrReplied: 3, votedOnly: 1 },
        },
        {
          sessionId: session.id,
          range: { from: T0, to: at(9) },
          totals: EXPECTED_TOTALS,
          engagement: EXPECTED_ENGAGEMENT,
        },
        {
          sessionId: 'session-3',
          range: { from: T3, to: T3 + 60_000 },
          totals: {
            participants: { unique: 1, peakConcurrent: 0 },
            questions: { asked: 1, published: 0, rejected: 1, answered: 0 },
            votes: 0,
            unvotes: 0,
            replies: 0,
            medianModerationMs: null,
            medianAnswerMs: null,
            video: null,
            opens: { room: 0, projector: 0 },
          },
          engagement: { score: 100, people: 1, askedOrReplied: 1, votedOnly: 0 },
        },
        {
          sessionId: 'session-quiet',
          range: expect.any(Object),
          totals: {
            participants: { unique: 0, peakConcurrent: 0 },
            questions: { asked: 0, published: 0, rejected: 0, answered: 0 },
            votes: 0,
            unvotes: 0,
            replies: 0,
            medianModerationMs: null,
            medianAnswerMs: null,
            video: null,
            opens: { room: 0, projector: 0 },
          },
          engagement: { score: 0, people: 0, askedOrReplied: 0, votedOnly: 0 },
        },
      ])
      // Each is what the session's own whole report says, in the order asked.
      for (const [i, one] of sessions.entries()) {
        const whole = await analytics.report(one, {})
        expect(compared[i]).toEqual({
          sessionId: one.id,
          range: { from: whole.range.from, to: whole.range.to },
          totals: whole.totals,
          engagement: whole.engagement,
        })
      }
    })

    it('[AN-2] a range inside the session carries in who was there and who had come', async () => {
      await append(scriptedEvents(cast, questions))
      const { bus, analytics } = start()
      await bus.drain()
      const report = await analytics.report(session, { from: at(4), to: at(6, 30) })
      expect(report.range).toEqual({ from: at(4), to: at(7), bucketMinutes: 1 })
      expect(report.series).toEqual(EXPECTED_SERIES.slice(4, 7))
      expect(report.totals).toMatchObject({
        participants: { unique: 6, peakConcurrent: 5 },
        questions: { asked: 0, published: 0, rejected: 0, answered: 1 },
        medianModerationMs: null,
        medianAnswerMs: 180_000,
      })
    })

    it('[AN-3] a restart records nothing twice and goes on with what came meanwhile', async () => {
      const events = scriptedEvents(cast, questions)
      await append(events.slice(0, 14))
      const first = start()
      await first.bus.drain()
      await stop()
      await append(events.slice(14))
      const second = start()
      await second.bus.drain()
      const report = await second.analytics.report(session, {})
      expect(report.series).toEqual(EXPECTED_SERIES)
      expect(report.engagement).toEqual(EXPECTED_ENGAGEMENT)
      expect(report.alerts).toEqual(EXPECTED_ALERTS)
      const raw = await text(second.analytics.export(cast.sessionId, 'csv', { of: 'events' }))
      expect(raw.trim().split('\n')).toHaveLength(EXPECTED_EVENT_KINDS.length + 1)
    })

    it('[AN-4] exports the rollups and the raw events, as CSV and as JSON', async () => {
      await append(scriptedEvents(cast, questions))
      const { bus, analytics } = start()
      await bus.drain()
      expect(await text(analytics.export(cast.sessionId, 'csv', {}))).toBe(EXPECTED_ROLLUP_CSV)
      const events = JSON.parse(
        await text(analytics.export(cast.sessionId, 'json', { of: 'events' })),
      )
      expect(events.sessionId).toBe(cast.sessionId)
      expect(events.of).toBe('events')
      expect(events.rows.map((r: { at: number; kind: string }) => [r.at, r.kind])).toEqual(
        EXPECTED_EVENT_KINDS,
      )
      expect(events.rows[6]).toMatchObject({
        kind: 'published',
        participant: cast.alice,
        subject: questions.q1,
        value: 60_000,
        detail: 'moderator',
      })
      const rollups = JSON.parse(await text(analytics.export(cast.sessionId, 'json', {})))
      expect(rollups.rows).toHaveLength(8)
      expect(rollups.rows[3]).toMatchObject({ at: at(3), concurrent_peak: 5, concurrent_end: 4 })
      // A range: the minutes (or events) in it only.
      const some = await text(analytics.export(cast.sessionId, 'csv', { from: at(5), to: at(7) }))
      expect(some.trim().split('\n').slice(1)).toEqual(
        EXPECTED_ROLLUP_CSV.trim().split('\n').slice(5, 7),
      )
      const empty = await text(analytics.export('no-such-session', 'csv', {}))
      expect(empty).toBe(`${EXPECTED_ROLLUP_CSV.split('\n')[0]}\n`)
    })

    it('[AN-5] retention deletes raw events past it and keeps the rollups', async () => {
      await append(scriptedEvents(cast, questions))
      const { bus, analytics } = start()
      await bus.drain()
      const before = await analytics.report(session, {})
      // A year (365 days) after 09:05: what happened before 09:05 is past it.
      now = at(5) + 365 * DAY_MS
      const deleted = await analytics.deleteExpired()
      const kept = EXPECTED_EVENT_KINDS.filter(([t]) => t >= at(5))
      expect(deleted).toBe(EXPECTED_EVENT_KINDS.length - kept.length)
      const raw = JSON.parse(await text(analytics.export(cast.sessionId, 'json', { of: 'events' })))
      expect(raw.rows.map((r: { at: number; kind: string }) => [r.at, r.kind])).toEqual(kept)
      expect(await analytics.report(session, {})).toEqual(before)
      expect(await text(analytics.export(cast.sessionId, 'csv', {}))).toBe(EXPECTED_ROLLUP_CSV)
      // Nothing is past it a moment earlier; running again deletes nothing more.
      expect(await analytics.deleteExpired()).toBe(0)
    })

    it('[AN-6] the daily job runs at start with the clock it is given', async () => {
      await append(scriptedEvents(cast, questions))
      now = at(9) + 2 * DAY_MS
      const { bus, analytics } = start(1)
      await bus.drain()
      await analytics.stop()
      // Started before the events were recorded or after: one more run finds them all.
      await analytics.deleteExpired()
      const raw = await text(analytics.export(cast.sessionId, 'csv', { of: 'events' }))
      expect(raw.trim().split('\n')).toHaveLength(1)
      expect((await analytics.report(session, {})).series).toEqual(EXPECTED_SERIES)
    })

    it('[AN-12] a live feed takes up what another instance recorded, and sends no repeats', async () => {
      const events = scriptedEvents(cast, questions)
      // This instance's feed, woken by nothing but its refresh; another instance records.
      const feed = new LiveFeed((id) => new AnalyticsReader(db).live(id), quiet, 1_000, 50)
      const got: Array<{ present: number; asked: number }> = []
      const stop = feed.watch(cast.sessionId, (f) => got.push(f))
      await append(events.slice(0, 5))
      const { bus } = start()
      await bus.drain()
      const deadline = performance.now() + 5_000
      while (!got.some((f) => f.asked === 1) && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 10))
      expect(got[0]).toMatchObject({ present: 0, asked: 0 })
      expect(got.at(-1)).toMatchObject({ present: 3, unique: 3, asked: 1, lastEventAt: at(1) })
      const sent = got.length
      await new Promise((r) => setTimeout(r, 300))
      expect(got).toHaveLength(sent)
      stop()
      feed.close()
    })

    it('[AN-13] a batch that fails leaves nothing behind, in the tables or in memory', async () => {
      const events = scriptedEvents(cast, questions)
      const lines: string[] = []
      const log = pino({ level: 'error' }, { write: (line: string) => lines.push(line) })
      const bus = new EventBus(db, new EventLog(db), log, 50)
      const analytics = new Analytics({
        db,
        events: bus,
        log,
        retentionDays: 365,
        clock: () => now,
      })
      analytics.start()
      running.push({ bus, analytics })
      await append(events.slice(0, 14))
      bus.committed()
      await bus.drain()
      // The next batch (the answer and Carol's reply) fails once: its rollup table is
      // away when it is written, after the state tables were. Were what it made known
      // kept, its retry would take Carol's reply as known and leave it out of the tables.
      await sql`alter table analytics_minutes rename to analytics_minutes_away`.execute(db.kysely)
      await append(events.slice(14, 16))
      bus.committed()
      const deadline = performance.now() + 5_000
      while (!lines.some((l) => l.includes('an event subscriber failed'))) {
        if (performance.now() > deadline) throw new Error('the batch did not fail')
        await new Promise((r) => setTimeout(r, 10))
      }
      await sql`alter table analytics_minutes_away rename to analytics_minutes`.execute(db.kysely)
      await bus.drain()
      await append(events.slice(16))
      bus.committed()
      await bus.drain()
      const report = await analytics.report(session, {})
      expect(report.series).toEqual(EXPECTED_SERIES)
      expect(report.engagement).toEqual(EXPECTED_ENGAGEMENT)
    })

    it('[AN-14] an alert fires once and recovers once, by an event or as time passes', async () => {
      const id = 'session-2'
      const people = ['p-a', 'p-b', 'p-c', 'p-d', 'p-e', 'p-f']
      const e = (draft: EventData & { at: number }): EventDraft => ({ ...draft, sessionId: id })
      const joined = (userId: string, t: number) => e({ type: 'participant.joined', at: t, userId })
      const left = (userId: string, t: number) => e({ type: 'participant.left', at: t, userId })
      const refused = (n: number) =>
        e({
          type: 'question.rejected',
          at: at(4, n * 10),
          questionId: `long-${n}`,
          authorId: 'p-a',
          reason: 'too-long',
          by: null,
        })
      const { bus, analytics } = start()
      // Each change is told once, in the transaction that writes it.
      const told: Array<[string, string, number]> = []
      analytics.onAlert(async (_k, change) => {
        told.push([change.rule, change.state, change.at])
      })
      // Six come; four go (the third leaving halves them); two come back.
      await append([
        ...people.map((p, i) => joined(p, at(0, i))),
        left('p-b', at(1, 10)),
        left('p-c', at(1, 20)),
        left('p-d', at(1, 30)),
        left('p-e', at(1, 40)),
      ])
      bus.committed()
      await bus.drain()
      await append([joined('p-b', at(2, 10)), joined('p-c', at(2, 20))])
      bus.committed()
      await bus.drain()
      // Five asks refused by a rule within a minute: a spike.
      await append([0, 1, 2, 3, 4].map(refused))
      bus.committed()
      await bus.drain()
      const report = await analytics.report({ id, created_at: T0 }, {})
      expect(report.alerts).toEqual([
        {
          rule: 'participation-drop',
          firedAt: at(1, 30),
          recoveredAt: at(2, 20),
          detail: { present: 3, peak: 6, asked: 0, rejected: 0 },
        },
        {
          rule: 'rejections-spike',
          firedAt: at(4, 40),
          recoveredAt: null,
          detail: { present: 4, peak: 6, asked: 5, rejected: 5 },
        },
      ])
      // The spike recovers once 09:04 leaves the last five minutes, and only then.
      now = at(8, 59)
      expect(await analytics.checkAlerts()).toEqual([])
      now = at(9)
      expect(await analytics.checkAlerts()).toEqual([id])
      expect(await analytics.checkAlerts()).toEqual([])
      const after = await analytics.report({ id, created_at: T0 }, {})
      expect(after.alerts.map((a) => [a.rule, a.recoveredAt])).toEqual([
        ['participation-drop', at(2, 20)],
        ['rejections-spike', at(9)],
      ])
      expect((await analytics.reader.live(id)).alerts).toEqual([])
      expect(told).toEqual([
        ['participation-drop', 'fired', at(1, 30)],
        ['participation-drop', 'recovered', at(2, 20)],
        ['rejections-spike', 'fired', at(4, 40)],
        ['rejections-spike', 'recovered', at(9)],
      ])
    })

    it('[AN-7] refuses from after to, and a bucket that makes too many points', async () => {
      await append(scriptedEvents(cast, questions))
      const { bus, analytics } = start()
      await bus.drain()
      const refused = async (query: Parameters<Analytics['report']>[1]) => {
        try {
          await analytics.report(session, query)
        } catch (error) {
          expect(error).toBeInstanceOf(HttpProblem)
          expect((error as HttpProblem).status).toBe(400)
          return (error as HttpProblem).message
        }
        throw new Error(`accepted ${JSON.stringify(query)}`)
      }
      expect(await refused({ from: at(5), to: at(1) })).toMatch(
        /from \(2026-03-02T09:05:00.000Z\) must be before to \(2026-03-02T09:01:00.000Z\)/,
      )
      expect(await refused({ from: at(5), to: at(5) })).toMatch(/must be before to/)
      expect(await refused({ from: T0, to: T0 + 3 * DAY_MS, bucket: 1 })).toMatch(
        /cuts .* into 4,320 points; a report has at most 1,440\. Ask for bucket=3m or more/,
      )
      // Without a bucket, one is chosen that fits: three days in 5-minute buckets.
      const long = await analytics.report(session, { from: T0, to: T0 + 3 * DAY_MS })
      expect(long.range.bucketMinutes).toBe(5)
      expect(long.series).toHaveLength(864)
      expect(long.series.slice(0, 2)).toEqual(EXPECTED_SERIES_5M)
      expect(long.series[2]).toMatchObject({ at: at(10), concurrent: 3, unique: 6, arrived: 0 })
    })
  })
}
