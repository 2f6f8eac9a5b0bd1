import {
  PEERJS_KEY,
  PEERJS_PATH,
  type PeerKind,
  peerToken,
  stagePeerId,
  watchPeerId,
} from '@podium/shared'
import type { MediaConnection, Peer, PeerError } from 'peerjs'
import { Retrier } from './backoff.ts'

/** Where the link to the signaling server stands. */
export const LinkState = {
  connecting: 'connecting',
  open: 'open',
  /** Lost the server; existing calls go on, new ones wait. */
  reconnecting: 'reconnecting',
  /** The server refused this id or token; `refusal` says why. */
  refused: 'refused',
  /** Someone (this person in another tab) holds this stage id. */
  taken: 'taken',
  closed: 'closed',
} as const
export type LinkState = (typeof LinkState)[keyof typeof LinkState]

export interface LinkIdentity {
  sessionId: string
  userId: string
  token: string
}

export interface LinkEvents {
  state(state: LinkState, detail: string | null): void
  /** A call to this peer (publishers receive their viewers' calls). */
  call?(call: MediaConnection): void
  /** The server says `peerId` is not connected. */
  unavailable?(peerId: string): void
}

const tabNonce = () => {
  const bytes = new Uint8Array(9)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('')
}

/** The PeerJS client's server options for this page's origin. */
export function serverOptions(
  location: Pick<Location, 'hostname' | 'port' | 'protocol'> = window.location,
) {
  const secure = location.protocol === 'https:'
  return {
    host: location.hostname,
    port: location.port ? Number(location.port) : secure ? 443 : 80,
    secure,
    path: PEERJS_PATH,
    key: PEERJS_KEY,
  }
}

/**
 * One PeerJS peer with the id bound to this person's token: the stage id for a
 * publisher, a per-tab watch id for a viewer. Reconnects to the signaling server with
 * backoff when the socket drops (calls in progress are not affected).
 */
export class PeerLink {
  readonly peer: Peer
  readonly id: string
  private readonly retry: Retrier
  private closed = false

  /** PeerJS loads with the first link, so pages where no one is on stage never fetch it. */
  static async open(
    identity: LinkIdentity,
    kind: PeerKind,
    iceServers: RTCIceServer[],
    events: LinkEvents,
  ): Promise<PeerLink> {
    const { Peer } = await import('peerjs')
    return new PeerLink(Peer, identity, kind, iceServers, events)
  }

  private constructor(
    PeerClass: typeof Peer,
    identity: LinkIdentity,
    kind: PeerKind,
    iceServers: RTCIceServer[],
    private readonly events: LinkEvents,
  ) {
    const nonce = tabNonce()
    this.id =
      kind === 'stage'
        ? stagePeerId(identity.sessionId, identity.userId)
        : watchPeerId(identity.sessionId, identity.userId, nonce)
    this.peer = new PeerClass(this.id, {
      ...serverOptions(),
      token: peerToken(identity.token, nonce),
      config: { iceServers },
      debug: 0,
    })
    this.retry = new Retrier(() => this.reconnect(), { baseMs: 1000, maxMs: 15_000 })
    this.peer.on('open', () => {
      this.retry.reset()
      events.state(LinkState.open, null)
    })
    this.peer.on('call', (call) => events.call?.(call))
    this.peer.on('disconnected', () => {
      if (this.closed || this.peer.destroyed) return
      events.state(LinkState.reconnecting, null)
      this.retry.schedule()
    })
    this.peer.on('error', (error) => this.onError(error))
  }

  /** Sets the ICE servers for connections made from now on (fresh TURN credentials). */
  setIceServers(iceServers: RTCIceServer[]): void {
    this.peer.options.config = { ...this.peer.options.config, iceServers }
  }

  private onError(error: PeerError<string>): void {
    if (this.closed) return
    switch (error.type) {
      case 'peer-unavailable': {
        const peerId = /peer (\S+)$/.exec(error.message)?.[1]
        if (peerId) this.events.unavailable?.(peerId)
        return
      }
      case 'unavailable-id':
        this.events.state(LinkState.taken, error.message)
        return
      case 'server-error':
      case 'invalid-id':
      case 'invalid-key':
      case 'browser-incompatible':
        // Our server's refusals come as server errors with a readable message.
        this.events.state(
          LinkState.refused,
          error.message || 'The signaling server refused this connection.',
        )
        return
      case 'network':
      case 'socket-error':
      case 'socket-closed':
      case 'disconnected':
        if (!this.peer.destroyed) {
          this.events.state(LinkState.reconnecting, null)
          this.retry.schedule()
        }
        return
      default:
        // WebRTC errors of one connection: the connection's own handlers deal with them.
        return
    }
  }

  private reconnect(): void {
    if (this.closed || this.peer.destroyed) return
    if (this.peer.disconnected) this.peer.reconnect()
  }

  close(): void {
    this.closed = true
    this.retry.cancel()
    this.peer.destroy()
    this.events.state(LinkState.closed, null)
  }
}
