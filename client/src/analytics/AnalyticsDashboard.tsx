import { type AnalyticsLive, AnalyticsReport, alertText, type VideoFigures } from '@podium/shared'
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js'
import { messageOf } from '../components/errors.ts'
import { type Api, api as defaultApi } from '../lib/api.ts'
import { AlertBanner } from './AlertBanner.tsx'
import { AlertRules } from './AlertRules.tsx'
import { ChartBlock } from './ChartBlock.tsx'
import { ExportButtons } from './ExportButtons.tsx'
import { Funnel } from './Funnel.tsx'
import { bucketTime, count, duration, perBucket } from './format.ts'
import { type LiveState, watchLive } from './live.ts'
import './analytics.css'

/** The report is read again after live figures change, at most this often. */
export const REPORT_REFRESH_MS = 5_000

const LIVE_LABEL: Record<LiveState, string> = {
  connecting: 'Connecting to live figures…',
  live: 'Live',
  retrying: 'Live figures paused; reconnecting…',
  refused: 'Live figures unavailable',
}

/**
 * A session's analytics: live figures while it runs (a server-sent stream), then the
 * report: participants over time, activity, the funnel, moderation delays, top
 * questions and alerts, each chart with its data table; exports for the host.
 */
export function AnalyticsDashboard(props: {
  sessionId: string
  token: () => string | Promise<string>
  /** The host downloads exports; moderators see the report only. */
  canExport: boolean
  api?: Api
  /** For the live stream (tests hand in their own). */
  fetch?: typeof fetch
  /** Without its own heading, where the page gives it one (it is then labelled "Analytics"). */
  heading?: boolean
  /** A question's text, where the page has the public document. */
  questionText?: (questionId: string) => string | undefined
}) {
  const api = props.api ?? defaultApi
  // The last report stays on screen while the next one loads, and after a failed reload.
  const [shown, setShown] = createSignal<AnalyticsReport>()
  const [error, setError] = createSignal<unknown>(null)
  let asked = 0
  const load = async () => {
    const mine = ++asked
    try {
      const report = await api.get(
        `/sessions/${encodeURIComponent(props.sessionId)}/analytics`,
        await props.token(),
        AnalyticsReport,
      )
      if (mine !== asked) return
      setShown(report)
      setError(null)
    } catch (cause) {
      if (mine === asked) setError(cause)
    }
  }
  const [live, setLive] = createSignal<AnalyticsLive | null>(null)
  const [liveState, setLiveState] = createSignal<LiveState>('connecting')
  const [liveDetail, setLiveDetail] = createSignal<string | null>(null)

  // New figures mean new events: the report follows, at most once per REPORT_REFRESH_MS.
  let lastRefresh = Date.now()
  let pending: ReturnType<typeof setTimeout> | undefined
  const refreshSoon = () => {
    if (pending) return
    const wait = Math.max(0, lastRefresh + REPORT_REFRESH_MS - Date.now())
    pending = setTimeout(() => {
      pending = undefined
      lastRefresh = Date.now()
      void load()
    }, wait)
  }
  onCleanup(() => clearTimeout(pending))

  onMount(() => {
    void load()
    let seen: number | null | undefined
    const stop = watchLive({
      sessionId: props.sessionId,
      token: props.token,
      fetch: props.fetch,
      onFigures: (figures) => {
        setLive(figures)
        if (seen !== undefined && figures.lastEventAt !== seen) refreshSoon()
        seen = figures.lastEventAt
      },
      onState: (state, detail) => {
        setLiveState(state)
        setLiveDetail(detail ?? null)
      },
    })
    onCleanup(stop)
  })

  const x = () => shown()?.series.map((p) => p.at) ?? []
  const withDate = () => {
    const r = shown()?.range
    return r ? r.to - r.from > 24 * 60 * 60_000 : false
  }
  const col = (key: keyof AnalyticsReport['series'][number]) =>
    shown()?.series.map((p) => p[key] as number | null) ?? []
  const activity = () => (shown()?.series ?? []).some((p) => p.arrived + p.asked + p.votes > 0)
  /** A video figure per bucket: null where no viewer reported. */
  const videoCol = (pick: (v: VideoFigures) => number | null) =>
    shown()?.series.map((p) => (p.video ? pick(p.video) : null)) ?? []

  return (
    <section
      class="an"
      aria-labelledby={props.heading === false ? undefined : 'an-heading'}
      aria-label={props.heading === false ? 'Analytics' : undefined}
    >
      <div class="an-head">
        <Show when={props.heading !== false}>
          <h2 id="an-heading">Analytics</h2>
        </Show>
        <p class={`an-live an-live-${liveState()}`}>
          <span class="an-live-dot" aria-hidden="true" />
          {LIVE_LABEL[liveState()]}
          <Show when={liveState() === 'refused' && liveDetail()}>: {liveDetail()}</Show>
        </p>
      </div>

      <AlertBanner alerts={live()?.alerts} />

      <Show when={live()}>
        {(f) => (
          <dl class="an-figures" aria-label="Live figures">
            <Figure label="Present now" value={f().present} />
            <Figure label="People so far" value={f().unique} />
            <Figure label="Questions asked" value={f().asked} />
            <Figure label="Published" value={f().published} />
            <Figure label="Rejected" value={f().rejected} />
            <Figure label="Answered" value={f().answered} />
            <Figure label="Votes" value={f().votes - f().unvotes} />
            <Figure label="Replies" value={f().replies} />
          </dl>
        )}
      </Show>

      <Show when={error()}>
        <p class="an-error" role="alert">
          The report could not be {shown() ? 'brought up to date' : 'loaded'}. {messageOf(error())}
        </p>
      </Show>
      <Show
        when={shown()}
        fallback={
          <Show when={!error()}>
            <p class="an-empty" aria-busy="true">
              Loading the report…
            </p>
          </Show>
        }
      >
        {(r) => (
          <>
            <dl class="an-figures an-summary" aria-label="Whole session">
              <Figure label="Engagement score" value={`${r().engagement.score} / 100`} />
              <Figure label="Most present at once" value={r().totals.participants.peakConcurrent} />
              <Figure
                label="Median time to moderate"
                value={duration(r().totals.medianModerationMs)}
              />
              <Figure label="Median time to answer" value={duration(r().totals.medianAnswerMs)} />
              <Figure label="Room opened" value={count(r().totals.opens.room)} />
              <Figure label="Projector opened" value={count(r().totals.opens.projector)} />
              <Show when={r().totals.video}>
                {(v) => (
                  <>
                    <Figure
                      label="Poor video reports"
                      value={`${count(v().poor)} of ${count(v().reports)} (${percent(v().poor, v().reports)})`}
                    />
                    <Figure
                      label="Video round trip (mean)"
                      value={v().rttMs === null ? '—' : `${count(v().rttMs ?? 0)} ms`}
                    />
                  </>
                )}
              </Show>
            </dl>
            <p class="an-hint">
              {bucketTime(r().range.from, withDate())} to {bucketTime(r().range.to, withDate())},{' '}
              {perBucket(r().range.bucketMinutes)}.
            </p>
            <Show when={props.canExport}>
              <ExportButtons sessionId={props.sessionId} token={props.token} api={api} />
            </Show>
            <div class="an-grid">
              <ChartBlock
                title="Participants over time"
                hint="Most present at once, and everyone seen so far."
                x={x()}
                range={[r().range.from, r().range.to]}
                withDate={withDate()}
                empty={activity() ? undefined : 'Nobody has joined yet.'}
                series={[
                  { label: 'Present', values: col('concurrent'), color: '--chart-1' },
                  { label: 'Unique', values: col('unique'), color: '--chart-2' },
                ]}
              />
              <ChartBlock
                title={`Activity ${perBucket(r().range.bucketMinutes)}`}
                x={x()}
                range={[r().range.from, r().range.to]}
                withDate={withDate()}
                empty={activity() ? undefined : 'Nothing has happened yet.'}
                series={[
                  { label: 'Asked', values: col('asked'), color: '--chart-1' },
                  { label: 'Published', values: col('published'), color: '--chart-2' },
                  { label: 'Rejected', values: col('rejected'), color: '--chart-3' },
                  { label: 'Answered', values: col('answered'), color: '--chart-4' },
                  { label: 'Votes', values: col('votes'), color: '--chart-5' },
                  { label: 'Replies', values: col('replies'), color: '--chart-6' },
                ]}
              />
              <Funnel funnel={r().funnel} />
              <ChartBlock
                title="Moderation and answer delays"
                hint="Mean time from asking to a moderator's decision, and from publishing to the answer."
                x={x()}
                range={[r().range.from, r().range.to]}
                withDate={withDate()}
                format={(ms) => duration(ms)}
                empty={
                  r().series.some((p) => p.moderationMs !== null || p.answerMs !== null)
                    ? undefined
                    : 'No question has been moderated or answered yet.'
                }
                series={[
                  { label: 'To moderate', values: col('moderationMs'), color: '--chart-3' },
                  { label: 'To answer', values: col('answerMs'), color: '--chart-4' },
                ]}
              />
              <ChartBlock
                title="Video quality"
                hint="Share of viewers' reports that were poor (loss, round trip or jitter past the stage's limits), and their mean packet loss, in percent."
                x={x()}
                range={[r().range.from, r().range.to]}
                withDate={withDate()}
                format={(v) => `${Math.round(v * 10) / 10} %`}
                empty={
                  r().series.some((p) => p.video !== null)
                    ? undefined
                    : 'No viewer has reported video quality yet.'
                }
                series={[
                  {
                    label: 'Poor reports',
                    values: videoCol((v) => Math.round((v.poor / v.reports) * 1000) / 10),
                    color: '--chart-3',
                  },
                  { label: 'Packet loss', values: videoCol((v) => v.lossPct), color: '--chart-5' },
                ]}
              />
            </div>
            <TopQuestions report={r()} text={props.questionText} />
            <Show when={props.canExport}>
              <AlertRules sessionId={props.sessionId} token={props.token} api={api} />
            </Show>
            <Show when={r().alerts.length > 0}>
              <section class="an-block" aria-labelledby="an-alerts-h">
                <h3 id="an-alerts-h">Alerts</h3>
                <ul class="an-list">
                  <For each={r().alerts}>
                    {(a) => (
                      <li>
                        {alertText(a)} Fired {bucketTime(a.firedAt, withDate())}
                        {a.recoveredAt === null
                          ? ', still holds.'
                          : `, recovered ${bucketTime(a.recoveredAt, withDate())}.`}
                      </li>
                    )}
                  </For>
                </ul>
              </section>
            </Show>
          </>
        )}
      </Show>
    </section>
  )
}

const percent = (part: number, whole: number) =>
  whole > 0 ? `${Math.round((part / whole) * 100)} %` : '—'

function Figure(props: { label: string; value: number | string }) {
  return (
    <div class="an-figure">
      <dt>{props.label}</dt>
      <dd>{typeof props.value === 'number' ? count(props.value) : props.value}</dd>
    </div>
  )
}

function TopQuestions(props: {
  report: AnalyticsReport
  text?: (questionId: string) => string | undefined
}) {
  return (
    <section class="an-block" aria-labelledby="an-top-h">
      <h3 id="an-top-h">Top questions</h3>
      <Show
        when={props.report.topQuestions.length > 0}
        fallback={<p class="an-empty">No question has votes yet.</p>}
      >
        <table class="an-top">
          <thead>
            <tr>
              <th scope="col">Question</th>
              <th scope="col">Votes</th>
              <th scope="col">Asked</th>
              <th scope="col">Answered</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.report.topQuestions}>
              {(q) => (
                <tr>
                  <th scope="row" dir="auto">
                    {props.text?.(q.questionId) ?? `Question ${q.questionId}`}
                  </th>
                  <td>{count(q.votes)}</td>
                  <td>{q.askedAt === null ? '—' : bucketTime(q.askedAt, false)}</td>
                  <td>{q.answeredAt === null ? 'Not yet' : bucketTime(q.answeredAt, false)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </section>
  )
}
