import { createEffect, createSignal, Show } from 'solid-js'
import type { ConnectionStatus } from '../lib/connection-status.ts'
import './connection-badge.css'

export interface ConnectionBadgeProps {
  status: ConnectionStatus
  /** Changes made here that the server has not confirmed yet. */
  unsynced: number
  /** The staff consoles' peer link in words; nothing is shown when it is empty. */
  peer?: string
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

/**
 * Connection state, the number of changes not yet synced and, for staff, the peer link,
 * as a polite status region: the same words in the room and in the consoles.
 */
export function ConnectionBadge(props: ConnectionBadgeProps) {
  const [wasOnline, setWasOnline] = createSignal(false)
  createEffect(() => {
    if (props.status === 'online') setWasOnline(true)
  })
  return (
    <div class="conn" role="status" data-status={props.status}>
      <span class="conn-state">
        <span class="conn-dot" aria-hidden="true" />
        {label(props.status, wasOnline())}
      </span>
      <Show when={props.unsynced > 0}>
        <span class="conn-unsynced">{waitingText(props.unsynced)}</span>
      </Show>
      <Show when={props.peer}>{(text) => <span class="conn-peer">{text()}</span>}</Show>
    </div>
  )
}
