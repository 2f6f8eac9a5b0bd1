import { For, Show } from 'solid-js'
import type { Measured } from '../quality/monitor.ts'
import { QualityLevel } from '../quality/stats.ts'
import { QualityIndicator } from './QualityIndicator.tsx'

export interface QualityRow {
  key: string
  label: string
  measured: Measured | null
  /** Publishers: the encoding step in use (0 is full quality). */
  rung?: number
}

const fixed = (value: number | null, digits = 0, unit = '') =>
  value === null ? '–' : `${value.toFixed(digits)}${unit}`

/** A small table from getStats(): round trip, loss, jitter, bitrate and frame rate per connection. */
export function QualityPanel(props: { rows: QualityRow[] }) {
  return (
    <Show when={props.rows.length > 0}>
      <details class="vs-quality">
        <summary>Connection quality</summary>
        <div class="vs-quality-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Connection</th>
                <th scope="col">Quality</th>
                <th scope="col">Round trip</th>
                <th scope="col">Loss</th>
                <th scope="col">Jitter</th>
                <th scope="col">Bitrate</th>
                <th scope="col">Frames</th>
                <th scope="col">Size</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.rows}>
                {(row) => {
                  const s = () => row.measured?.sample ?? null
                  return (
                    <tr data-testid="quality-row">
                      <th scope="row">
                        {row.label}
                        <Show when={row.rung !== undefined && row.rung > 0}>
                          <span class="vs-rung"> (reduced, step {row.rung})</span>
                        </Show>
                      </th>
                      <td>
                        <QualityIndicator level={row.measured?.level ?? QualityLevel.unknown} />
                      </td>
                      <td>{fixed(s()?.rttMs ?? null, 0, ' ms')}</td>
                      <td>{fixed(s()?.lossPct ?? null, 1, ' %')}</td>
                      <td>{fixed(s()?.jitterMs ?? null, 0, ' ms')}</td>
                      <td>{fixed(s()?.bitrateKbps ?? null, 0, ' kbit/s')}</td>
                      <td>{fixed(s()?.fps ?? null, 0, ' fps')}</td>
                      <td>{s()?.width && s()?.height ? `${s()?.width}×${s()?.height}` : '–'}</td>
                    </tr>
                  )
                }}
              </For>
            </tbody>
          </table>
        </div>
      </details>
    </Show>
  )
}
