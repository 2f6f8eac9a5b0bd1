import {
  HocuspocusProvider,
  HocuspocusProviderWebsocket,
  type WebSocketStatus,
} from '@hocuspocus/provider'
import {
  CloseCode,
  documentName,
  isStaff,
  ModDoc,
  OutboxDoc,
  PublicDoc,
  WriteRefused,
} from '@podium/shared'
import { type Accessor, createSignal } from 'solid-js'
import { IndexeddbPersistence } from 'y-indexeddb'
import * as Y from 'yjs'
import { type Api, api as defaultApi } from './api.ts'
import { measureClockOffset } from './clock.ts'
import { type ConnectionStatus, deriveStatus, type SocketState } from './connection-status.ts'
import { type DocChanges, trackDocs } from './doc-changes.ts'
import type { Identity } from './identity.ts'

export interface SessionConnection {
  identity: Identity
  public: PublicDoc
  /** Staff roles only (host, moderator, presenter). */
  mod: ModDoc | null
  /** The user's own outbox. */
  outbox: OutboxDoc
  status: Accessor<ConnectionStatus>
  /** Outbox entries not yet receipted. */
  unsynced: Accessor<number>
  /**
   * Bumps on every change of any of the docs except one that only moves the participant
   * count (written up to once a second in a busy session); read it inside memos to
   * re-derive views.
   */
  version: Accessor<number>
  /** Bumps when the participant count may have changed; read it with `version` for the count. */
  presence: Accessor<number>
  /** Per-question and per-outbox-entry signals, for views with an item per question. */
  changes: DocChanges
  /** True once the public doc has synced with the server or loaded (non-empty) from IndexedDB. */
  synced: Accessor<boolean>
  /** Why the server refused a document (expired token, unknown session), or null. */
  authError: Accessor<string | null>
  /** The last change of this user's that the server undid (their role may not make it). */
  refused: Accessor<WriteRefused | null>
  /** The moderators' shared presence (cursors, typing); null for attendees. */
  modAwareness: HocuspocusProvider['awareness']
  /** Date.now() corrected by the offset measured against GET /api/time. */
  serverNow(): number
  destroy(): void
}

export interface SessionOptions {
  /** ws(s)://host/sync; defaults to the page's own origin. */
  url?: string
  api?: Api
  /** Keep documents in IndexedDB (default true). */
  persist?: boolean
}

/** Close codes that refuse what this device sent, not the connection: reconnecting would repeat it. */
const REFUSED_FOR_CONTENT = new Set<number>([CloseCode.badFrame, CloseCode.frameTooLarge])

export function syncUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`
}

interface Channel {
  doc: Y.Doc
  provider: HocuspocusProvider
  local: IndexeddbPersistence | null
}

export function openSession(identity: Identity, options: SessionOptions = {}): SessionConnection {
  const api = options.api ?? defaultApi
  const persist = options.persist ?? true
  const staff = isStaff(identity.role)

  const [unsynced, setUnsynced] = createSignal(0)
  const [synced, setSynced] = createSignal(false)
  const [authError, setAuthError] = createSignal<string | null>(null)
  const [refused, setRefused] = createSignal<WriteRefused | null>(null)
  const onStateless = ({ payload }: { payload: string }) => {
    try {
      const parsed = WriteRefused.safeParse(JSON.parse(payload))
      if (parsed.success) setRefused(parsed.data)
    } catch {
      // Not a message of ours: nothing to show.
    }
  }
  const [socketState, setSocketState] = createSignal<SocketState>('connecting')
  const [failures, setFailures] = createSignal(0)
  const [networkUp, setNetworkUp] = createSignal(navigator.onLine)
  const status = () =>
    deriveStatus({ socket: socketState(), networkUp: networkUp(), failures: failures() })

  let offset = 0
  let destroyed = false
  const measure = () => {
    measureClockOffset(async () => (await api.time()).now)
      .then((measured) => {
        offset = measured
      })
      .catch(() => {
        // Offline or no clock endpoint: keep the last offset (0 at first).
      })
  }

  const socket = new HocuspocusProviderWebsocket({
    url: options.url ?? syncUrl(),
    // Retry soon after a drop, then back off (with jitter) to at most 10 s between attempts.
    delay: 1_000,
    minDelay: 250,
    factor: 2,
    maxDelay: 10_000,
    onStatus: ({ status }: { status: WebSocketStatus }) => {
      setSocketState(status)
      if (status === 'connected') {
        setFailures(0)
        measure()
      }
    },
    onClose: ({ event }: { event: { code: number; reason: string } }) => {
      if (destroyed) return
      setFailures((n) => n + 1)
      // Refused for what this device sent (an outbox over its size, a frame the server
      // cannot read): sending it again would be refused again, so stop and say why.
      if (REFUSED_FOR_CONTENT.has(event.code)) {
        setAuthError(event.reason || 'refused')
        socket.disconnect()
      }
    },
  })

  const channels: Channel[] = []
  const open = (name: string, withAwareness: boolean): Channel => {
    const doc = new Y.Doc()
    const local = persist ? new IndexeddbPersistence(name, doc) : null
    const provider = new HocuspocusProvider({
      name,
      document: doc,
      token: identity.token,
      websocketProvider: socket,
      ...(withAwareness ? {} : { awareness: null }),
      onAuthenticationFailed: ({ reason }) => setAuthError(reason),
      onStateless,
    })
    provider.attach()
    const channel = { doc, provider, local }
    channels.push(channel)
    return channel
  }

  // Attendees get no awareness on shared documents (the server drops it). The outbox
  // keeps its awareness: its periodic renewal is echoed back and keeps the socket alive.
  const publicChannel = open(documentName.public(identity.sessionId), false)
  const modChannel = staff ? open(documentName.mod(identity.sessionId), true) : null
  const outboxChannel = open(documentName.outbox(identity.sessionId, identity.userId), true)

  const tracked = trackDocs({
    public: publicChannel.doc,
    outbox: outboxChannel.doc,
    others: modChannel ? [modChannel.doc] : [],
  })
  const publicDoc = new PublicDoc(publicChannel.doc)
  const outbox = new OutboxDoc(outboxChannel.doc)

  publicChannel.provider.on('synced', () => setSynced(true))
  publicChannel.local?.whenSynced.then(() => {
    if (publicDoc.ready) setSynced(true)
  })
  const countUnsynced = () => setUnsynced(outbox.unsynced().length)
  outboxChannel.doc.on('update', countUnsynced)
  countUnsynced()

  const onOnline = () => {
    setNetworkUp(true)
    // Don't wait out the provider's backoff: the network is back now.
    void socket.connect()
  }
  const onOffline = () => {
    setNetworkUp(false)
    // A socket can look open for a long while after the network has gone; drop it now
    // so the status is honest. Edits keep going to IndexedDB and sync on 'online'.
    socket.disconnect()
    setSocketState('disconnected')
  }
  window.addEventListener('online', onOnline)
  window.addEventListener('offline', onOffline)

  return {
    identity,
    public: publicDoc,
    mod: modChannel ? new ModDoc(modChannel.doc) : null,
    outbox,
    status,
    unsynced,
    version: tracked.version,
    presence: tracked.presence,
    changes: tracked.changes,
    synced,
    authError,
    refused,
    modAwareness: modChannel?.provider.awareness ?? null,
    serverNow: () => Date.now() + offset,
    destroy() {
      if (destroyed) return
      destroyed = true
      window.removeEventListener('online', onOnline)
      window.removeEventListener('offline', onOffline)
      tracked.dispose()
      for (const { provider, local, doc } of channels) {
        provider.destroy()
        void local?.destroy()
        doc.destroy()
      }
      socket.destroy()
    },
  }
}
