import { Show } from 'solid-js'
import type { ConnectionStatus } from '../lib/connection-status.ts'
import { plural } from './format.ts'
import { PeerStatus, type PeerSync } from './peer-sync.ts'

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  online: 'Online',
  connecting: 'Connecting…',
  offline: 'Offline: changes stay on this device',
}

function peerText(peer: PeerSync): string {
  const status = peer.status()
  switch (status) {
    case PeerStatus.starting:
      return ''
    case PeerStatus.unavailable:
      return 'No peer link'
    case PeerStatus.alone:
      return 'No staff peers'
    case PeerStatus.connected:
      return `${plural(peer.peers(), 'staff peer')} linked`
    default: {
      const unknown: never = status
      throw new Error(`unknown peer status ${String(unknown)}`)
    }
  }
}

/** Connection state, unsynced changes and the peer link, announced politely when they change. */
export function ConnectionBadge(props: {
  status: ConnectionStatus
  unsynced: number
  peer?: PeerSync | null
}) {
  return (
    <div class="conn" role="status" data-status={props.status}>
      <span class="conn-dot" aria-hidden="true" />
      <span class="conn-text">{STATUS_TEXT[props.status]}</span>
      <Show when={props.unsynced > 0}>
        <span class="conn-unsynced">{plural(props.unsynced, 'change')} not synced</span>
      </Show>
      <Show when={props.peer && peerText(props.peer)}>
        {(text) => <span class="conn-peer">{text()}</span>}
      </Show>
    </div>
  )
}
