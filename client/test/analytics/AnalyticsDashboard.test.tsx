import { ALERT_DEFAULTS, type AnalyticsReport } from '@podium/shared'
import { render, screen, within } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { AnalyticsDashboard } from '../../src/analytics/AnalyticsDashboard.tsx'
import { figures, streamed } from '../helpers/analytics.ts'
import { problem, scriptedServer } from '../helpers/http.ts'

const T0 = Date.UTC(2026, 2, 2, 9, 0)
const point = (minute: number, over: Partial<AnalyticsReport['series'][number]> = {}) => ({
  at: T0 + minute * 60_000,
  concurrent: 0,
  unique: 0,
  arrived: 0,
  departed: 0,
  asked: 0,
  published: 0,
  rejected: 0,
  answered: 0,
  votes: 0,
  unvotes: 0,
  replies: 0,
  moderated: 0,
  moderationMs: null,
  answerMs: null,
  video: null,
  roomOpens: 0,
  projectorOpens: 0,
  ...over,
})

const report = (asked: number): AnalyticsReport => ({
  sessionId: 'session-1',
  range: { from: T0, to: T0 + 3 * 60_000, bucketMinutes: 1 },
  totals: {
    participants: { unique: 3, peakConcurrent: 3 },
    questions: { asked, published: asked, rejected: 0, answered: 1 },
    votes: 2,
    unvotes: 0,
    replies: 0,
    medianModerationMs: 60_000,
    medianAnswerMs: 185_000,
    video: {
      reports: 8,
      poor: 2,
      rttMs: 140,
      lossPct: 3.5,
      jitterMs: 12,
      bitrateKbps: 900,
      fps: 24,
    },
    opens: { room: 0, projector: 0 },
  },
  engagement: { score: 75, people: 2, askedOrReplied: 1, votedOnly: 1 },
  funnel: { joined: 2, tookPart: 2, gotAnswer: 1 },
  topQuestions: [{ questionId: 'q1', votes: 2, askedAt: T0, answeredAt: T0 + 120_000 }],
  alerts: [
    {
      rule: 'rejections-spike',
      firedAt: T0 + 60_000,
      recoveredAt: T0 + 120_000,
      detail: { present: 3, peak: 3, asked: 6, rejected: 5 },
    },
  ],
  series: [
    point(0, { concurrent: 2, unique: 2, arrived: 2, asked: 2, published: 2 }),
    point(1, {
      concurrent: 3,
      unique: 3,
      arrived: 1,
      votes: 2,
      moderated: 1,
      moderationMs: 60_000,
      video: {
        reports: 4,
        poor: 2,
        rttMs: 180,
        lossPct: 7,
        jitterMs: 20,
        bitrateKbps: 700,
        fps: 20,
      },
    }),
    point(2, {
      concurrent: 3,
      unique: 3,
      asked: asked - 2,
      published: asked - 2,
      answered: 1,
      answerMs: 185_000,
      video: {
        reports: 4,
        poor: 0,
        rttMs: 100,
        lossPct: 0,
        jitterMs: 4,
        bitrateKbps: 1100,
        fps: 28,
      },
    }),
  ],
})

/** The values of a data table's column, top to bottom. */
const column = (table: HTMLElement, name: string) => {
  const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent)
  const i = heads.indexOf(name)
  return [...table.querySelectorAll('tbody tr')].map((tr) => tr.children[i]?.textContent)
}

/** A live figure's value, null before the stream sent any. */
const liveTile = (label: string) => {
  const live = document.querySelector<HTMLElement>('dl[aria-label="Live figures"]')
  return live ? within(live).getByText(label).nextElementSibling?.textContent : null
}

function setup(options: { reports?: AnalyticsReport[]; refuse?: boolean } = {}) {
  const reports = [...(options.reports ?? [report(3)])]
  const server = scriptedServer({
    'GET /api/sessions/session-1/analytics/alerts': () => ({
      body: { settings: ALERT_DEFAULTS, defaults: ALERT_DEFAULTS },
    }),
    'GET /api/sessions/session-1/analytics': () =>
      options.refuse
        ? { status: 403, body: problem(403, 'This needs the role host or moderator.') }
        : { body: reports.length > 1 ? reports.shift() : reports[0] },
  })
  const stream = streamed()
  const liveFetch = async () =>
    new Response(stream.body, { headers: { 'content-type': 'text/event-stream' } })
  render(() => (
    <AnalyticsDashboard
      sessionId="session-1"
      token={() => 'host-token'}
      canExport
      api={server.api}
      fetch={liveFetch}
      questionText={(id) => (id === 'q1' ? 'When does the office open?' : undefined)}
    />
  ))
  return { server, stream }
}

describe('AnalyticsDashboard', () => {
  it('shows the report: summary, charts’ data tables, funnel, top questions and alerts', {
    timeout: 15_000,
  }, async () => {
    const { server } = setup()
    const activity = await screen.findByRole('table', { name: 'Activity per minute: data' })
    expect(column(activity, 'Asked')).toEqual(['2', '0', '1'])
    expect(column(activity, 'Votes')).toEqual(['0', '2', '0'])
    const people = screen.getByRole('table', { name: 'Participants over time: data' })
    expect(column(people, 'Present')).toEqual(['2', '3', '3'])
    expect(column(people, 'Unique')).toEqual(['2', '3', '3'])
    const delays = screen.getByRole('table', { name: 'Moderation and answer delays: data' })
    expect(column(delays, 'To moderate')).toEqual(['—', '1 min', '—'])
    expect(column(delays, 'To answer')).toEqual(['—', '—', '3 min 5 s'])
    const video = screen.getByRole('table', { name: 'Video quality: data' })
    expect(column(video, 'Poor reports')).toEqual(['—', '50 %', '0 %'])
    expect(column(video, 'Packet loss')).toEqual(['—', '7 %', '0 %'])
    expect(screen.getByText('Poor video reports').nextElementSibling?.textContent).toBe(
      '2 of 8 (25 %)',
    )
    expect(screen.getByText('Video round trip (mean)').nextElementSibling?.textContent).toBe(
      '140 ms',
    )
    expect(screen.getByText('Engagement score').nextElementSibling?.textContent).toBe('75 / 100')
    expect(screen.getByText('Median time to answer').nextElementSibling?.textContent).toBe(
      '3 min 5 s',
    )
    expect(screen.getByText('Got an answer').parentElement?.textContent).toMatch(/1 \(50 %\)/)
    expect(screen.getByRole('rowheader', { name: 'When does the office open?' })).toBeTruthy()
    expect(screen.getByText(/Many questions are being rejected: 5 of 6/).textContent).toMatch(
      /recovered/,
    )
    expect(server.sent[0]).toMatchObject({
      path: '/api/sessions/session-1/analytics',
      token: 'host-token',
    })
    // Exports are the host's.
    expect(screen.getByRole('group', { name: 'Download analytics' })).toBeTruthy()
    // So are the alert rules.
    await screen.findByRole('heading', { name: 'Alert rules' })
    expect(await screen.findByRole('checkbox', { name: 'The moderation queue waits' })).toBeTruthy()
  })

  it('moves live: figures from the stream, the report read again after new events', async () => {
    const { server, stream } = setup({ reports: [report(3), report(4)] })
    stream.send(`event: figures\ndata: ${JSON.stringify(figures({ asked: 3 }))}\n\n`)
    // Votes counted minus taken back.
    await expect.poll(() => liveTile('Questions asked')).toBe('3')
    expect(liveTile('Votes')).toBe('4')
    expect(liveTile('Present now')).toBe('3')
    stream.send(
      `event: figures\ndata: ${JSON.stringify(figures({ asked: 4, lastEventAt: 2_000 }))}\n\n`,
    )
    await expect
      .poll(() => screen.getByText('Questions asked').nextElementSibling?.textContent)
      .toBe('4')
    // The report follows, at most every 5 s.
    await expect
      .poll(
        () =>
          column(screen.getByRole('table', { name: 'Activity per minute: data' }), 'Asked').at(-1),
        { timeout: 8_000 },
      )
      .toBe('2')
    expect(server.sent.filter((s) => s.path.endsWith('/analytics'))).toHaveLength(2)
  }, 15_000)

  it('says why when the report is refused', async () => {
    setup({ refuse: true })
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toMatch(
      /The report could not be loaded\. This needs the role host or moderator\./,
    )
    expect(within(alert).queryByRole('table')).toBeNull()
  })
})
