import { createEffect, createSignal, Show } from 'solid-js'
import type { ConnectionStatus } from '../lib/connection-status.ts'

export interface ConnectionBadgeProps {
  status: ConnectionStatus
  /** Changes made here that the server has not confirmed yet. */
  unsynced: number
}

function label(status: ConnectionStatus, wasOnline: boolean): string {
  switch (status) {
    case 'online':
      return 'Online'
    case 'connecting':
      return wasOnline ? 'Reconnecting…' : 'Connecting…'
    case 'offline':
      return 'Offline'
    default: {
      const unknown: never = status
      throw new Error(`unknown status ${String(unknown)}`)
    }
  }
}

export function waitingText(count: number): string {
  return count === 1 ? '1 change waiting to sync' : `${count} changes waiting to sync`
}

/** Connection state and the number of changes not yet synced, as a polite status region. */
export function ConnectionBadge(props: ConnectionBadgeProps) {
  const [wasOnline, setWasOnline] = createSignal(false)
  createEffect(() => {
    if (props.status === 'online') setWasOnline(true)
  })
  return (
    <div class="connection" role="status">
      <span class={`badge badge-${props.status}`}>
        <span class="dot" aria-hidden="true" />
        {label(props.status, wasOnline())}
      </span>
      <Show when={props.unsynced > 0}>
        <span class="sync-count">{waitingText(props.unsynced)}</span>
      </Show>
    </div>
  )
}
