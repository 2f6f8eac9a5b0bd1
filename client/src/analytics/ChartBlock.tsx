import { createUniqueId, For, type JSX, Show } from 'solid-js'
import { Chart, type ChartSeries } from './Chart.tsx'
import { bucketTime, count } from './format.ts'

/**
 * A chart with its data table beside it: the table is what screen readers (and anyone
 * who wants the exact figures) read, one row per point, and it scrolls on its own.
 */
export function ChartBlock(props: {
  title: string
  hint?: JSX.Element
  x: number[]
  /** The time range shown, in ms. */
  range: [number, number]
  series: ChartSeries[]
  format?: (value: number) => string
  /** Times with dates (a range over several days). */
  withDate?: boolean
  /** Says there is nothing to draw, in place of the chart and table. */
  empty?: string
}) {
  const id = createUniqueId()
  const format = (v: number | null) =>
    v === null ? '—' : props.format ? props.format(v) : count(v)
  return (
    <section class="an-block" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{props.title}</h3>
      <Show when={props.hint}>
        <p class="an-hint">{props.hint}</p>
      </Show>
      <Show when={!props.empty} fallback={<p class="an-empty">{props.empty}</p>}>
        <div class="an-pair">
          <div class="an-legend-chart">
            <ul class="an-legend" aria-hidden="true">
              <For each={props.series}>
                {(s) => (
                  <li>
                    <span class="an-swatch" style={{ background: `var(${s.color})` }} />
                    {s.label}
                  </li>
                )}
              </For>
            </ul>
            <Chart x={props.x} range={props.range} series={props.series} format={props.format} />
          </div>
          <section class="an-table" tabindex="0" aria-labelledby={`${id}-c`}>
            <table>
              <caption id={`${id}-c`}>{props.title}: data</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <For each={props.series}>{(s) => <th scope="col">{s.label}</th>}</For>
                </tr>
              </thead>
              <tbody>
                <For each={props.x}>
                  {(at, i) => (
                    <tr>
                      <th scope="row">{bucketTime(at, props.withDate ?? false)}</th>
                      <For each={props.series}>
                        {(s) => <td>{format(s.values[i()] ?? null)}</td>}
                      </For>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </section>
        </div>
      </Show>
    </section>
  )
}
