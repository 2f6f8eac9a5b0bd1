import type { AnalyticsComparison } from '@podium/shared'
import { For } from 'solid-js'
import { saveBlob, saveJson } from '../lib/download.ts'
import { bucketTime, count, duration } from './format.ts'
import './analytics.css'

type Row = AnalyticsComparison['sessions'][number]

/** The comparison's columns: heading, value as shown, value as exported. */
const COLUMNS: Array<{ head: string; show: (r: Row) => string; raw: (r: Row) => string | number }> =
  [
    {
      head: 'Date',
      show: (r) =>
        `${new Date(r.range.from).toLocaleDateString('en-GB')} ${bucketTime(r.range.from, false)}`,
      raw: (r) => new Date(r.range.from).toISOString(),
    },
    {
      head: 'People',
      show: (r) => count(r.totals.participants.unique),
      raw: (r) => r.totals.participants.unique,
    },
    {
      head: 'Most at once',
      show: (r) => count(r.totals.participants.peakConcurrent),
      raw: (r) => r.totals.participants.peakConcurrent,
    },
    {
      head: 'Asked',
      show: (r) => count(r.totals.questions.asked),
      raw: (r) => r.totals.questions.asked,
    },
    {
      head: 'Answered',
      show: (r) => count(r.totals.questions.answered),
      raw: (r) => r.totals.questions.answered,
    },
    {
      head: 'Votes',
      show: (r) => count(r.totals.votes - r.totals.unvotes),
      raw: (r) => r.totals.votes - r.totals.unvotes,
    },
    { head: 'Replies', show: (r) => count(r.totals.replies), raw: (r) => r.totals.replies },
    {
      head: 'Median to moderate',
      show: (r) => duration(r.totals.medianModerationMs),
      raw: (r) => r.totals.medianModerationMs ?? '',
    },
    {
      head: 'Median to answer',
      show: (r) => duration(r.totals.medianAnswerMs),
      raw: (r) => r.totals.medianAnswerMs ?? '',
    },
    {
      head: 'Engagement',
      show: (r) => `${r.engagement.score} / 100`,
      raw: (r) => r.engagement.score,
    },
  ]

const csvCell = (v: string | number) =>
  typeof v === 'number' || !/[",\n\r]/.test(v) ? String(v) : `"${v.replaceAll('"', '""')}"`

/** The comparison as CSV: one row per session, times in ISO 8601, delays in ms. */
export function comparisonCsv(rows: Row[]): string {
  const head = [
    'session',
    'title',
    ...COLUMNS.map((c) => c.head.toLowerCase().replaceAll(' ', '_')),
  ]
  const lines = rows.map((r) =>
    [r.sessionId, r.title, ...COLUMNS.map((c) => c.raw(r))].map(csvCell).join(','),
  )
  return `${[head.join(','), ...lines].join('\n')}\n`
}

/** Sessions side by side, a row each, with downloads of the same figures. */
export function CompareTable(props: { comparison: AnalyticsComparison }) {
  const day = () => new Date().toISOString().slice(0, 10)
  return (
    <div class="an an-compare">
      <section class="an-table an-table-wide" tabindex="0" aria-labelledby="an-compare-c">
        <table>
          <caption id="an-compare-c">Sessions compared</caption>
          <thead>
            <tr>
              <th scope="col">Session</th>
              <For each={COLUMNS}>{(c) => <th scope="col">{c.head}</th>}</For>
            </tr>
          </thead>
          <tbody>
            <For each={props.comparison.sessions}>
              {(r) => (
                <tr>
                  <th scope="row" dir="auto">
                    {r.title}
                  </th>
                  <For each={COLUMNS}>{(c) => <td>{c.show(r)}</td>}</For>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </section>
      <div class="an-exports">
        <button
          type="button"
          class="an-button"
          onClick={() =>
            saveBlob(
              new Blob([comparisonCsv(props.comparison.sessions)], { type: 'text/csv' }),
              `podium-comparison-${day()}.csv`,
            )
          }
        >
          Download comparison, CSV
        </button>
        <button
          type="button"
          class="an-button"
          onClick={() => saveJson(props.comparison, `podium-comparison-${day()}.json`)}
        >
          Download comparison, JSON
        </button>
      </div>
    </div>
  )
}
