import type { AnalyticsLive } from '@podium/shared'
import { createSignal, onCleanup, onMount } from 'solid-js'
import { AlertBanner } from '../../analytics/AlertBanner.tsx'
import { watchLive } from '../../analytics/live.ts'
import type { StaffRoom } from '../model/room.ts'

/**
 * The session's alerts at the top of the host console, from the live analytics stream
 * (pushed by the server when they fire or recover); empty while none holds.
 */
export function AlertsPanel(props: { room: StaffRoom; fetch?: typeof fetch }) {
  const [alerts, setAlerts] = createSignal<AnalyticsLive['alerts']>()
  onMount(() => {
    const stop = watchLive({
      sessionId: props.room.sessionId,
      token: () => props.room.token,
      fetch: props.fetch,
      onFigures: (figures) => setAlerts(figures.alerts),
    })
    onCleanup(stop)
  })
  return <AlertBanner alerts={alerts()} />
}
