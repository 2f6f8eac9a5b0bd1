import { on } from 'node:events'
import { get as httpGet, type IncomingMessage } from 'node:http'
import type { AnalyticsComparison, AnalyticsLive, AnalyticsReport } from '@podium/shared'
import { parse as parseCsv } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request, startPodiumOn, type TestPodium } from '../../test-support/podium.ts'
import {
  at,
  EXPECTED_ALERTS,
  EXPECTED_ENGAGEMENT,
  EXPECTED_EVENT_KINDS,
  EXPECTED_FUNNEL,
  EXPECTED_ROLLUP_CSV,
  EXPECTED_SERIES,
  EXPECTED_SERIES_5M,
  EXPECTED_TOTALS,
  T0,
} from './helpers/analytics-script.ts'
import {
  acceptedInvite,
  createSession,
  type Joined,
  join,
  TestClient,
  waitFor,
} from './helpers/clients.ts'
import { DIALECTS } from './helpers/databases.ts'

// The scripted session of helpers/analytics-script.ts played through a real server by
// real clients, its clock set before each step: the report, the score and the export are
// exactly the script's, on SQLite and on Postgres. Then what the routes refuse.

interface Played {
  session: { id: string; code: string; hostToken: string; hostUserId: string }
  q1: string
  moderator: { token: string }
}

/**
 * A server-sent event stream read as it arrives: `next` waits for figures that match.
 * Over node:http without an agent, so closing it closes its one connection (fetch's pool
 * opens a spare one when a stream is cut, which then holds the server's close up).
 */
async function liveStream(url: string, token: string) {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpGet(url, { headers: { authorization: `Bearer ${token}` }, agent: false })
    req.on('response', resolve).on('error', reject)
  })
  response.setEncoding('utf8')
  const chunks = on(response, 'data')
  let buffer = ''
  const received: AnalyticsLive[] = []
  async function next(match: (f: AnalyticsLive) => boolean, what: string) {
    const deadline = performance.now() + 10_000
    for (;;) {
      const found = received.find(match)
      if (found) return found
      if (performance.now() > deadline) throw new Error(`no live figures with ${what}`)
      const { value, done } = await chunks.next()
      if (done) throw new Error('the live stream ended')
      buffer += (value as string[])[0]
      let cut = buffer.indexOf('\n\n')
      while (cut >= 0) {
        const block = buffer.slice(0, cut)
        buffer = buffer.slice(cut + 2)
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (/^event: figures$/m.test(block) && data) received.push(JSON.parse(data))
        cut = buffer.indexOf('\n\n')
      }
    }
  }
  return { response, received, next, close: () => response.destroy() }
}

for (const kind of DIALECTS) {
  describe(`analytics through a real server on ${kind}`, () => {
    let server: TestPodium
    let now = T0
    const clients: TestClient[] = []
    let played: Played

    const api = <T = unknown>(path: string, token?: string) =>
      request<T>(`${server.url}/api${path}`, token ? { token } : {})

    /** The raw rows analytics recorded of `kind` at the clock's time. */
    async function recorded(sessionId: string, kind: string): Promise<number> {
      const rows = await server.podium.services.db.kysely
        .selectFrom('analytics_events')
        .select('id')
        .where('session_id', '=', sessionId)
        .where('kind', '=', kind)
        .where('at', '=', now)
        .execute()
      return rows.length
    }

    /** Sets the clock, does one thing, and waits until analytics has recorded it. */
    async function step(
      sessionId: string,
      [minute, second]: [number, number],
      action: () => unknown,
      kinds: string[],
    ) {
      now = at(minute, second)
      await action()
      const deadline = performance.now() + 10_000
      for (const k of kinds) {
        while ((await recorded(sessionId, k)) === 0) {
          if (performance.now() > deadline)
            throw new Error(`analytics did not record ${k} at ${new Date(now).toISOString()}`)
          await new Promise((r) => setTimeout(r, 10))
        }
      }
    }

    function connect(
      identity: Joined | { sessionId: string; userId: string; token: string },
      staff = false,
    ) {
      const client = new TestClient(server.syncUrl, identity, {}, staff)
      clients.push(client)
      return client
    }

    beforeAll(async () => {
      server = await startPodiumOn(kind, {}, { clock: () => now })
    })
    afterAll(async () => {
      for (const c of clients) c.destroy()
      await server?.close()
    })

    it('[AN-8] a scripted session gives exactly the expected series, score and CSV', async () => {
      now = at(0)
      const session = await createSession(server.url, {
        title: 'Scripted',
        settings: { preModeration: true, maxQuestionLength: 20 },
      })
      const id = session.id
      const hostIdentity = { sessionId: id, userId: session.hostUserId, token: session.hostToken }
      const [alice, bob, carol, dave, erin] = await Promise.all(
        ['Alice', 'Bob', 'Carol', 'Dave', 'Erin'].map((name) =>
          join(server.url, session.code, name),
        ),
      )
      const status = (value: string) => async () => {
        const set = await request(`${server.url}/api/sessions/${id}/status`, {
          token: session.hostToken,
          body: { status: value },
        })
        expect(set.status).toBe(200)
      }
      let host!: TestClient
      let aliceClient!: TestClient
      let bobClient!: TestClient
      let carolClient!: TestClient
      let daveClient!: TestClient
      let q1 = ''
      let q2 = ''

      await step(id, [0, 5], status('live'), ['status'])
      await step(
        id,
        [0, 10],
        async () => {
          host = connect(hostIdentity, true)
          await host.synced()
        },
        ['joined'],
      )
      await step(
        id,
        [0, 20],
        async () => {
          aliceClient = connect(alice!)
          await aliceClient.synced()
        },
        ['joined'],
      )
      await step(
        id,
        [0, 30],
        async () => {
          bobClient = connect(bob!)
          await bobClient.synced()
        },
        ['joined'],
      )
      await step(
        id,
        [1, 0],
        () => {
          q1 = aliceClient.outbox.ask('Alice asks').questionId
        },
        ['asked'],
      )
      await step(
        id,
        [1, 30],
        () => {
          q2 = bobClient.outbox.ask('Bob asks').questionId
        },
        ['asked'],
      )
      await waitFor(() => host.mod.queue().length === 2, 10_000, 'both asks queued')
      const decision = { by: session.hostUserId, byName: null }
      await step(
        id,
        [2, 0],
        () => host.mod.decide(q1, { action: 'approve', ...decision, at: now }),
        ['published'],
      )
      await step(
        id,
        [2, 20],
        () => host.mod.decide(q2, { action: 'reject', reason: 'Off topic', ...decision, at: now }),
        ['rejected'],
      )
      now = at(2, 30)
      const open = await request(`${server.url}/api/sessions/${id}/settings`, {
        method: 'PATCH',
        token: session.hostToken,
        body: { preModeration: false },
      })
      expect(open.status).toBe(200)
      await step(
        id,
        [3, 0],
        async () => {
          carolClient = connect(carol!)
          await carolClient.synced()
        },
        ['joined'],
      )
      await step(
        id,
        [3, 5],
        async () => {
          daveClient = connect(dave!)
          await daveClient.synced()
        },
        ['joined'],
      )
      await step(id, [3, 10], () => bobClient.outbox.vote(q1, true), ['vote'])
      await step(id, [3, 20], () => carolClient.outbox.vote(q1, true), ['vote'])
      await step(id, [3, 30], () => daveClient.outbox.vote(q1, true), ['vote'])
      await step(id, [3, 40], () => bobClient.destroy(), ['left'])
      await waitFor(() => host.public.hasQuestion(q1), 10_000, 'the host sees the question')
      await step(id, [5, 0], () => host.public.updateQuestion(q1, { answered: true }), ['answered'])
      await step(id, [5, 30], () => carolClient.outbox.reply(q1, 'Carol replies'), ['reply'])
      await step(
        id,
        [5, 45],
        async () => {
          await connect(erin!).synced()
        },
        ['joined'],
      )
      await step(id, [6, 0], () => carolClient.destroy(), ['left'])
      await step(id, [6, 10], () => aliceClient.destroy(), ['left'])
      await step(id, [6, 20], () => daveClient.destroy(), ['left'])
      await step(
        id,
        [7, 0],
        async () => {
          bobClient = connect(bob!)
          await bobClient.synced()
        },
        ['joined'],
      )
      let q3 = ''
      await step(
        id,
        [8, 0],
        () => {
          q3 = bobClient.outbox.ask('Bob again').questionId
        },
        ['asked', 'published'],
      )
      await step(id, [8, 10], () => host.outbox.vote(q3, true), ['vote'])
      await step(id, [8, 15], () => host.outbox.vote(q3, false), ['unvote'])
      await step(id, [8, 30], () => bobClient.outbox.ask('x'.repeat(21)), ['rejected'])
      await step(id, [9, 0], status('ended'), ['status'])

      const report = await api<AnalyticsReport>(`/sessions/${id}/analytics`, session.hostToken)
      expect(report.status).toBe(200)
      expect(report.body.range).toEqual({ from: T0, to: at(9), bucketMinutes: 1 })
      expect(report.body.series).toEqual(EXPECTED_SERIES)
      expect(report.body.totals).toEqual(EXPECTED_TOTALS)
      expect(report.body.engagement).toEqual(EXPECTED_ENGAGEMENT)
      expect(report.body.funnel).toEqual(EXPECTED_FUNNEL)
      expect(report.body.topQuestions).toEqual([
        { questionId: q1, votes: 3, askedAt: at(1), answeredAt: at(5) },
      ])
      expect(report.body.alerts).toEqual(EXPECTED_ALERTS)
      const fives = await api<AnalyticsReport>(
        `/sessions/${id}/analytics?bucket=5m`,
        session.hostToken,
      )
      expect(fives.body.series).toEqual(EXPECTED_SERIES_5M)

      const csv = await api<string>(`/sessions/${id}/analytics/export.csv`, session.hostToken)
      expect(csv.status).toBe(200)
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/)
      expect(csv.headers.get('content-disposition')).toMatch(
        new RegExp(`attachment; filename="podium-${session.code}-analytics-.*\\.csv"`),
      )
      expect(csv.body).toBe(EXPECTED_ROLLUP_CSV)
      const events = await api<string>(
        `/sessions/${id}/analytics/export.csv?of=events`,
        session.hostToken,
      )
      const rows = parseCsv(events.body, { columns: true }) as Array<Record<string, string>>
      expect(rows.map((r) => [Date.parse(r.at!), r.kind])).toEqual(EXPECTED_EVENT_KINDS)
      expect(rows.find((r) => r.kind === 'answered')).toMatchObject({
        subject: q1,
        value: '180000',
      })
      const json = await api<{ rows: Array<{ at: number }> }>(
        `/sessions/${id}/analytics/export.json`,
        session.hostToken,
      )
      expect(json.headers.get('content-type')).toMatch(/^application\/json/)
      expect(json.body.rows.map((r) => r.at)).toEqual(
        [0, 1, 2, 3, 5, 6, 7, 8].map((minute) => at(minute)),
      )

      const moderator = await acceptedInvite(
        server.url,
        { id, hostToken: session.hostToken },
        'moderator',
        'Mo',
      )
      played = { session, q1, moderator }
    })

    it('[AN-33] every range and bucket adds up to its minutes, its totals to its series', async () => {
      const { session } = played
      const report = async (query: string[]) => {
        const r = await api<AnalyticsReport>(
          `/sessions/${session.id}/analytics?${query.join('&')}`,
          session.hostToken,
        )
        expect(r.status, query.join('&')).toBe(200)
        return r.body
      }
      const COUNTS = [
        'arrived',
        'departed',
        'asked',
        'published',
        'rejected',
        'answered',
        'votes',
        'unvotes',
        'replies',
        'moderated',
        'roomOpens',
        'projectorOpens',
      ] as const
      type Point = AnalyticsReport['series'][number]
      /** A bucket as its minutes make it: the most present in any, who had come by the last. */
      const merged = (minutes: Point[]) => ({
        at: minutes[0]!.at,
        concurrent: Math.max(...minutes.map((p) => p.concurrent)),
        unique: minutes.at(-1)!.unique,
        ...Object.fromEntries(COUNTS.map((c) => [c, minutes.reduce((n, p) => n + p[c], 0)])),
      })
      const ranges = [[], [`from=${at(1, 30)}`, `to=${at(7)}`], [`from=${at(3)}`], [`to=${at(6)}`]]
      for (const range of ranges) {
        const byMinute = await report([...range, 'bucket=1'])
        for (const bucket of [2, 3, 4, 7]) {
          const what = `${range.join('&')} bucket=${bucket}`
          const cut = await report([...range, `bucket=${bucket}`])
          expect(cut.range, what).toEqual({ ...byMinute.range, bucketMinutes: bucket })
          const expected = []
          for (let i = 0; i < byMinute.series.length; i += bucket)
            expected.push(merged(byMinute.series.slice(i, i + bucket)))
          expect(
            cut.series.map((p) => ({
              at: p.at,
              concurrent: p.concurrent,
              unique: p.unique,
              ...Object.fromEntries(COUNTS.map((c) => [c, p[c]])),
            })),
            what,
          ).toEqual(expected)
          expect(cut.totals, what).toEqual(byMinute.totals)
        }
      }
    })

    it("[AN-9] moderators read the report; the export and comparisons are the host's", async () => {
      const { session, moderator } = played
      const id = session.id
      const asModerator = await api<AnalyticsReport>(`/sessions/${id}/analytics`, moderator.token)
      expect(asModerator.status).toBe(200)
      expect(asModerator.body.series).toEqual(EXPECTED_SERIES)
      for (const format of ['csv', 'json']) {
        const refused = await api<{ detail: string }>(
          `/sessions/${id}/analytics/export.${format}`,
          moderator.token,
        )
        expect(refused.status).toBe(403)
        expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/)
        expect(refused.body.detail).toMatch(/Analytics exports are the host's/)
      }
      const attendee = await join(server.url, session.code, 'Frank')
      const notStaff = await api<{ detail: string }>(`/sessions/${id}/analytics`, attendee.token)
      expect(notStaff.status).toBe(403)
      expect(notStaff.body.detail).toMatch(/host or moderator/)
      expect((await api(`/sessions/${id}/analytics`)).status).toBe(401)

      const other = await createSession(server.url, { title: 'Another' })
      const mine = await api<AnalyticsComparison>(
        `/analytics/compare?sessions=${id}`,
        session.hostToken,
      )
      expect(mine.status).toBe(200)
      expect(mine.body.sessions).toEqual([
        {
          sessionId: id,
          title: 'Scripted',
          range: { from: T0, to: at(9) },
          totals: EXPECTED_TOTALS,
          engagement: EXPECTED_ENGAGEMENT,
        },
      ])
      const both = await api<{ detail: string }>(
        `/analytics/compare?sessions=${id},${other.id}`,
        session.hostToken,
      )
      expect(both.status).toBe(403)
      expect(both.body.detail).toBe(
        `You do not host ${other.id}: a comparison takes only sessions you host.`,
      )
      const unknown = await api<{ detail: string }>(
        `/analytics/compare?sessions=${id},no-such-session`,
        session.hostToken,
      )
      expect(unknown.status).toBe(403)
      expect(unknown.body.detail).toMatch(/You do not host no-such-session:/)
      const byModerator = await api<{ detail: string }>(
        `/analytics/compare?sessions=${id}`,
        moderator.token,
      )
      expect(byModerator.status).toBe(403)
      expect(byModerator.body.detail).toMatch(new RegExp(`You do not host ${id}:`))
      // Nothing of the other session leaked into the refusals.
      expect(JSON.stringify([both.body, unknown.body])).not.toMatch(/Another/)
    })

    it('[AN-10] bad input gets a 400 that says what to ask for', async () => {
      const { session } = played
      const base = `/sessions/${session.id}/analytics`
      const bad = async (path: string, detail: RegExp) => {
        const res = await api<{ detail: string; status: number }>(path, session.hostToken)
        expect(res.status, path).toBe(400)
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
        expect(res.body.detail, path).toMatch(detail)
      }
      await bad(
        `${base}?from=2026-03-02T09:05:00Z&to=2026-03-02T09:01:00Z`,
        /from \(2026-03-02T09:05:00.000Z\) must be before to \(2026-03-02T09:01:00.000Z\)/,
      )
      await bad(
        `${base}?from=2026-03-01T00:00:00Z&to=2026-03-04T00:00:00Z&bucket=1m`,
        /4,320 points; a report has at most 1,440\. Ask for bucket=3m or more/,
      )
      await bad(`${base}?bucket=soon`, /bucket must be a whole number of minutes/)
      await bad(`${base}?bucket=0`, /bucket must be a whole number of minutes/)
      await bad(`${base}?from=yesterday`, /from must be a time such as 2026-03-02T09:00:00Z/)
      await bad(`${base}?period=week`, /takes only from, to and bucket/)
      await bad(`${base}/export.csv?of=everything`, /of must be rollups or events/)
      await bad(`${base}/export.csv?from=${at(5)}&to=${at(1)}`, /must be before to/)
      await bad('/analytics/compare', /sessions/)
      await bad('/analytics/compare?sessions=', /at least one session id/)
      await bad('/analytics/compare?sessions=a b', /6-64 letters/)
      await bad(
        `/analytics/compare?sessions=${Array.from({ length: 21 }, (_, i) => `session-${i}`).join(',')}`,
        /at most 20 session ids/,
      )
      // A range with a bucket that fits is answered, however far from the session.
      const fits = await api<AnalyticsReport>(
        `${base}?from=2026-03-01T00:00:00Z&to=2026-03-04T00:00:00Z&bucket=3m`,
        session.hostToken,
      )
      expect(fits.status).toBe(200)
      expect(fits.body.series).toHaveLength(1_440)
    })
    it('[AN-11] the live stream pushes the figures as events are recorded', async () => {
      const session = await createSession(server.url, { title: 'Live' })
      const url = `${server.url}/api/sessions/${session.id}/analytics/live`
      const live = await liveStream(url, session.hostToken)
      expect(live.response.statusCode).toBe(200)
      expect(live.response.headers['content-type']).toMatch(/^text\/event-stream/)
      const first = await live.next(() => true, 'anything')
      expect(first).toEqual({
        sessionId: session.id,
        present: 0,
        unique: 0,
        asked: 0,
        published: 0,
        rejected: 0,
        answered: 0,
        votes: 0,
        unvotes: 0,
        replies: 0,
        moderated: 0,
        lastEventAt: null,
        alerts: [],
      })
      const analytics = server.podium.services.analytics
      expect(analytics.live.watchers(session.id)).toBe(1)

      now = at(20)
      const gina = connect(await join(server.url, session.code, 'Gina'))
      await gina.synced()
      expect(await live.next((f) => f.present === 1, 'Gina present')).toMatchObject({
        unique: 1,
        lastEventAt: at(20),
      })
      now = at(20, 30)
      const { questionId } = gina.outbox.ask('Live question')
      expect(await live.next((f) => f.asked === 1, 'the ask')).toMatchObject({
        published: 1,
        lastEventAt: at(20, 30),
      })
      gina.outbox.vote(questionId, true)
      await live.next((f) => f.votes === 1, 'the vote')

      // Attendees get no stream; a moderator does.
      const attendee = await join(server.url, session.code, 'Hal')
      const refused = await request<{ detail: string }>(url, { token: attendee.token })
      expect(refused.status).toBe(403)
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/)
      const mod = await acceptedInvite(
        server.url,
        { id: session.id, hostToken: session.hostToken },
        'moderator',
        'Ida',
      )
      const modLive = await liveStream(url, mod.token)
      expect((await modLive.next(() => true, 'anything')).votes).toBe(1)
      expect(analytics.live.watchers(session.id)).toBe(2)

      // A client that goes stops being sent anything.
      live.close()
      modLive.close()
      const deadline = performance.now() + 5_000
      while (analytics.live.watchers(session.id) > 0 && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 10))
      expect(analytics.live.watchers(session.id)).toBe(0)
    })
  })
}
