import { PeerStatus, type PeerSync } from '../model/peer-sync.ts'
import { plural } from '../ui/format.ts'

/** The staff peer link in words for the connection badge; empty while it starts. */
export function peerText(peer: PeerSync | null): string {
  if (!peer) return ''
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
