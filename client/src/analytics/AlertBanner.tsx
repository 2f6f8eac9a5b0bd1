import './analytics.css'
import { type AnalyticsLive, alertText, recoveredText } from '@podium/shared'
import { createEffect, createSignal, For, on } from 'solid-js'
import { bucketTime } from './format.ts'

type Open = AnalyticsLive['alerts'][number]

/**
 * The session's alerts as the live figures carry them: each open one as a banner, and,
 * when one stops holding, a line saying it recovered and when (until dismissed).
 */
export function AlertBanner(props: { alerts: Open[] | undefined; now?: () => number }) {
  const [recovered, setRecovered] = createSignal<Array<{ alert: Open; at: number }>>([])
  const now = () => props.now?.() ?? Date.now()
  createEffect(
    on(
      () => props.alerts,
      (alerts, previous) => {
        if (!alerts || !previous) return
        const gone = previous.filter(
          (p) => !alerts.some((a) => a.rule === p.rule && a.firedAt === p.firedAt),
        )
        const back = alerts.map((a) => a.rule)
        setRecovered((list) => [
          ...list.filter((r) => !back.includes(r.alert.rule)),
          ...gone.map((alert) => ({ alert, at: now() })),
        ])
      },
    ),
  )
  return (
    <div class="an-alerts" role="status">
      <For each={props.alerts ?? []}>
        {(alert) => (
          <p class="an-alert">
            <strong>Alert:</strong> {alertText(alert)}{' '}
            <span class="an-alert-time">Since {bucketTime(alert.firedAt, false)}.</span>
          </p>
        )}
      </For>
      <For each={recovered()}>
        {(r) => (
          <p class="an-recovered">
            <strong>Recovered:</strong> {recoveredText(r.alert)}{' '}
            <span class="an-alert-time">At {bucketTime(r.at, false)}.</span>{' '}
            <button
              type="button"
              class="an-link"
              onClick={() => setRecovered((list) => list.filter((x) => x !== r))}
            >
              Dismiss
            </button>
          </p>
        )}
      </For>
    </div>
  )
}
