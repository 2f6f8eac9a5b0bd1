import type { AlertSettingsView, AnalyticsReport } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acceptedInvite, createSession, join } from '../../test-support/api.ts'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { type Sample, scrape } from './helpers/metrics-text.ts'

// POST /api/sessions/:id/video-quality through a real server: a viewer's reports land in
// the host's report; bad input, another session's token and a second report within half
// a minute are refused with problem+json.

describe('video quality reports over HTTP', () => {
  let server: TestPodium

  beforeAll(async () => {
    server = await startPodium()
  })
  afterAll(async () => {
    await server?.close()
  })

  const good = {
    feed: 'camera',
    rttMs: 80,
    lossPct: 0.5,
    jitterMs: 6,
    bitrateKbps: 1200,
    fps: 29.5,
  }

  it('aggregates reports on /metrics for the operator, without a label per session', async () => {
    const session = await createSession(server.url)
    const before = await scrape(server.url)
    const viewer = await join(server.url, session.code, 'Metrics viewer')
    const sent = await request(`${server.url}/api/sessions/${session.id}/video-quality`, {
      token: viewer.token,
      body: { reports: [good, { ...good, feed: 'screen', lossPct: 12, rttMs: null }] },
    })
    expect(sent.status).toBe(204)
    const after = await scrape(server.url)
    const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
      samples.find(
        (m) => m.name === name && Object.entries(labels).every(([k, v]) => m.labels[k] === v),
      )?.value ?? 0
    const grew = (name: string, labels: Record<string, string>) =>
      value(after, name, labels) - value(before, name, labels)
    expect(grew('podium_video_reports_total', { feed: 'camera', quality: 'good' })).toBe(1)
    expect(grew('podium_video_reports_total', { feed: 'screen', quality: 'poor' })).toBe(1)
    expect(grew('podium_video_rtt_seconds_count', { feed: 'camera' })).toBe(1)
    // A report without a round-trip time adds none.
    expect(grew('podium_video_rtt_seconds_count', { feed: 'screen' })).toBe(0)
    expect(grew('podium_video_loss_ratio_bucket', { feed: 'screen', le: '0.15' })).toBe(1)
    expect(grew('podium_video_loss_ratio_bucket', { feed: 'screen', le: '0.08' })).toBe(0)
    expect(
      after.filter((m) => m.name.startsWith('podium_video_') && 'session' in m.labels),
    ).toEqual([])
  })

  it('[AN-23] a viewer reports once a minute, and the host sees it in the report', async () => {
    const session = await createSession(server.url)
    const viewer = await join(server.url, session.code, 'Viewer')
    const url = `${server.url}/api/sessions/${session.id}/video-quality`
    const sent = await request(url, {
      token: viewer.token,
      body: { reports: [good, { ...good, feed: 'screen', lossPct: 12, fps: null }] },
    })
    expect(sent.status).toBe(204)

    const again = await request<{ status: number; detail: string }>(url, {
      token: viewer.token,
      body: { reports: [good] },
    })
    expect(again.status).toBe(429)
    expect(again.headers.get('content-type')).toContain('application/problem+json')
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(again.body.detail).toMatch(/once a minute/)

    await server.podium.services.events.drain()
    const report = await request<AnalyticsReport>(
      `${server.url}/api/sessions/${session.id}/analytics`,
      { token: session.hostToken },
    )
    expect(report.status).toBe(200)
    expect(report.body.totals.video).toEqual({
      reports: 2,
      poor: 1,
      rttMs: 80,
      lossPct: 6.3,
      jitterMs: 6,
      bitrateKbps: 1200,
      fps: 29.5,
    })
  })

  it('[AN-24] refuses bad reports and tokens of another session', async () => {
    const session = await createSession(server.url)
    const other = await createSession(server.url)
    const viewer = await join(server.url, session.code)
    const url = `${server.url}/api/sessions/${session.id}/video-quality`
    const cases: Array<[unknown, RegExp]> = [
      [{ reports: [] }, /at least one report/],
      [{ reports: [{ ...good, lossPct: 140 }] }, /lossPct/],
      [{ reports: [{ ...good, feed: 'audio' }] }, /camera or screen/],
      [{ reports: [good], ip: '10.0.0.1' }, /takes only reports/],
      [{ reports: [good, good, good, good, good] }, /at most 4/],
      ['not json at all', /./],
    ]
    for (const [body, detail] of cases) {
      const res = await request<{ detail: string }>(url, { token: viewer.token, body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect(res.body.detail).toMatch(detail)
    }
    const foreign = await request(url, { token: other.hostToken, body: { reports: [good] } })
    expect(foreign.status).toBe(403)
    const anonymous = await request(url, { body: { reports: [good] } })
    expect(anonymous.status).toBe(401)
    // Nothing refused was recorded; the refusals left the viewer's minute unspent.
    await server.podium.services.events.drain()
    const count = await server.podium.services.db.kysely
      .selectFrom('analytics_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('session_id', '=', session.id)
      .where('kind', '=', 'video')
      .executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(0)
    const accepted = await request(url, { token: viewer.token, body: { reports: [good] } })
    expect(accepted.status).toBe(204)
  })

  describe('alert settings over HTTP', () => {
    let server: TestPodium
    beforeAll(async () => {
      server = await startPodium()
    })
    afterAll(async () => {
      await server?.close()
    })

    it('[AN-28] the host changes them, moderators read them, bad values are refused', async () => {
      const session = await createSession(server.url)
      const url = `${server.url}/api/sessions/${session.id}/analytics/alerts`
      const moderator = await acceptedInvite(server.url, session, 'moderator', 'Mo')
      const attendee = await join(server.url, session.code)
      const read = await request<AlertSettingsView>(url, { token: moderator.token })
      expect(read.status).toBe(200)
      expect(read.body.settings).toEqual(read.body.defaults)
      const put = await request<AlertSettingsView>(url, {
        method: 'PUT',
        token: session.hostToken,
        body: { queueAgeMinutes: 10, off: ['rejections-spike'] },
      })
      expect(put.status).toBe(200)
      expect(put.body.settings).toMatchObject({ queueAgeMinutes: 10, off: ['rejections-spike'] })
      const after = await request<AlertSettingsView>(url, { token: moderator.token })
      expect(after.body.settings).toEqual(put.body.settings)

      for (const token of [moderator.token, attendee.token]) {
        const refused = await request(url, { method: 'PUT', token, body: { queueAgeMinutes: 3 } })
        expect(refused.status).toBe(403)
      }
      expect((await request(url, { token: attendee.token })).status).toBe(403)
      const cases: Array<[unknown, RegExp]> = [
        [{ queueAgeMinutes: 0 }, /queueAgeMinutes must be a whole number from 1 to 240/],
        [{ poorVideoPercent: 99.5 }, /poorVideoPercent must be a whole number from 5 to 95/],
        [{ off: ['everything'] }, /off lists rules/],
        [{ dropMinPeak: '4' }, /dropMinPeak must be a whole number/],
        [{ threshold: 3 }, /take only off, dropMinPeak/],
      ]
      for (const [body, detail] of cases) {
        const res = await request<{ detail: string }>(url, {
          method: 'PUT',
          token: session.hostToken,
          body,
        })
        expect(res.status, JSON.stringify(body)).toBe(400)
        expect(res.headers.get('content-type')).toContain('application/problem+json')
        expect(res.body.detail).toMatch(detail)
      }
      // Refused changes changed nothing.
      const unchanged = await request<AlertSettingsView>(url, { token: session.hostToken })
      expect(unchanged.body.settings).toEqual(put.body.settings)
    })
  })
})
