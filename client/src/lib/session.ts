import {
  HocuspocusProvider,
  HocuspocusProviderWebsocket,
  WebSocketStatus,
} from '@hocuspocus/provider'
import {
  CloseCode,
  documentName,
  isStaff,
  ModDoc,
  type OpenedView,
  OutboxDoc,
  PublicDoc,
  type ReactionId,
  ReactionRefused,
  SIGNED_OUT,
  WriteRefused,
} from '@podium/shared'
import { type Accessor, createSignal } from 'solid-js'
import { IndexeddbPersistence } from 'y-indexeddb'
import * as Y from 'yjs'
import { accountAuth } from './account.ts'
import { type Api, ApiError, api as defaultApi } from './api.ts'
import { measureClockOffset } from './clock.ts'
import { type ConnectionStatus, deriveStatus, type SocketState } from './connection-status.ts'
import { type DocChanges, trackDocs } from './doc-changes.ts'
import { type Identity, loadIdentity } from './identity.ts'
import { isAccountBound, RENEW_BEFORE_MS, renewParticipant } from './participant-token.ts'
import { msUntilExpiry } from './token-claims.ts'

export interface SessionConnection {
  /** Who this device is in the session, with the newest token (renewed when signed in). */
  readonly identity: Identity
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
  /** Sends a reaction; false when offline (reactions are of the moment: they are not kept). */
  react(reaction: ReactionId): boolean
  /** The server's last refusal of this device's reactions (too fast, session ended). */
  reactionRefused: Accessor<ReactionRefused | null>
  destroy(): void
}

export interface SessionOptions {
  /** ws(s)://host/sync; defaults to the page's own origin. */
  url?: string
  /**
   * What the page shows (the room, the projector): sent as the socket's `view`
   * parameter, so the server counts an opening of it for analytics.
   */
  view?: OpenedView
  api?: Api
  /** Keep documents in IndexedDB (default true). */
  persist?: boolean
  /**
   * A fresh token for a signed-in participant (POST /api/me/sessions/<id>/token by
   * default); guests' tokens are not renewed.
   */
  renew?: (identity: Identity) => Promise<Identity>
  /** The server says this device was signed out (by default the account module is told). */
  onSignedOut?: () => void
}

/** After a renewal failed for want of a network or a working server, try again this much later. */
const RENEW_RETRY_MS = 30_000
/**
 * Renewals of one connection are at least this far apart: with a device clock far ahead of
 * the server's, every new token would look about to end, and be renewed again at once.
 */
const MIN_RENEW_INTERVAL_MS = 60_000

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
  const renewable = isAccountBound(identity)
  const renew =
    options.renew ?? ((me: Identity) => renewParticipant(accountAuth(), me.sessionId, me, api))
  const onSignedOut = options.onSignedOut ?? (() => void accountAuth().signedOutByServer())

  const [unsynced, setUnsynced] = createSignal(0)
  const [synced, setSynced] = createSignal(false)
  const [authError, setAuthError] = createSignal<string | null>(null)
  const [refused, setRefused] = createSignal<WriteRefused | null>(null)
  const [reactionRefused, setReactionRefused] = createSignal<ReactionRefused | null>(null)
  const onStateless = ({ payload }: { payload: string }) => {
    try {
      const value: unknown = JSON.parse(payload)
      const parsed = WriteRefused.safeParse(value)
      if (parsed.success) setRefused(parsed.data)
      const reaction = ReactionRefused.safeParse(value)
      if (reaction.success) setReactionRefused(reaction.data)
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
    url: `${options.url ?? syncUrl()}${options.view ? `?view=${options.view}` : ''}`,
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
      if (event.reason === SIGNED_OUT) {
        refusedWith(SIGNED_OUT)
        return
      }
      // Refused for what this device sent (an outbox over its size, a frame the server
      // cannot read): sending it again would be refused again, so stop and say why.
      if (REFUSED_FOR_CONTENT.has(event.code)) {
        setAuthError(event.reason || 'refused')
        socket.disconnect()
      }
    },
  })

  // Renewal of a signed-in participant's token ------------------------------------
  let current = identity
  let renewing: Promise<void> | null = null
  let renewTimer: ReturnType<typeof setTimeout> | undefined

  /** The newest token for this participant: ours, or one another tab stored since. */
  const latest = (): Identity => {
    const stored = loadIdentity(current.sessionId)
    if (
      stored &&
      stored.userId === current.userId &&
      msUntilExpiry(stored.token) > msUntilExpiry(current.token)
    )
      current = stored
    return current
  }

  const signedOut = () => {
    if (destroyed || authError() === SIGNED_OUT) return
    setAuthError(SIGNED_OUT)
    clearTimeout(renewTimer)
    socket.disconnect()
    onSignedOut()
  }

  const scheduleRenewal = (delay = msUntilExpiry(latest().token) - RENEW_BEFORE_MS) => {
    clearTimeout(renewTimer)
    if (!renewable || destroyed) return
    renewTimer = setTimeout(() => renewNow(false), Math.max(0, delay))
  }

  let reconnectAfterRenewal = false
  /** Renews the token; `reconnect` when the server refused the old one. */
  const renewNow = (reconnect: boolean) => {
    if (reconnect) reconnectAfterRenewal = true
    if (!renewable || destroyed || renewing) return
    renewing = renew(latest())
      .then((fresh) => {
        if (destroyed) return
        current = fresh
        if (authError() === 'token-expired') setAuthError(null)
        scheduleRenewal(
          Math.max(MIN_RENEW_INTERVAL_MS, msUntilExpiry(fresh.token) - RENEW_BEFORE_MS),
        )
        if (reconnectAfterRenewal) {
          reconnectAfterRenewal = false
          reauthenticate()
        }
      })
      .catch((error: unknown) => {
        if (destroyed) return
        if (error instanceof ApiError && error.status === 401) signedOut()
        else if (error instanceof ApiError && !error.retryable) setAuthError('token-expired')
        // Offline or a server in trouble: the room goes on from this device meanwhile.
        else scheduleRenewal(RENEW_RETRY_MS)
      })
      .finally(() => {
        renewing = null
      })
  }

  /**
   * Opens the refused documents again with the new token: on the same socket when it is up
   * (the server takes a new token for a document it refused), else by connecting.
   */
  const reauthenticate = () => {
    if (socketState() !== 'connected') {
      void socket.connect()
      return
    }
    for (const { provider } of channels) {
      if (!provider.isAuthenticated) void provider.sendToken().then(() => provider.startSync())
    }
  }

  /**
   * A refused token: an expired one is renewed; one of a signed-out device too, in case
   * this device has signed in again since (renewing it then fails with 401: signed out).
   */
  const refusedWith = (reason: string) => {
    if ((reason === 'token-expired' || reason === SIGNED_OUT) && renewable) renewNow(true)
    else if (reason === SIGNED_OUT) signedOut()
    else setAuthError(reason)
  }
  scheduleRenewal()

  const channels: Channel[] = []
  const open = (name: string, withAwareness: boolean): Channel => {
    const doc = new Y.Doc()
    const local = persist ? new IndexeddbPersistence(name, doc) : null
    const provider = new HocuspocusProvider({
      name,
      document: doc,
      // Read at every (re)connection: the newest token, whichever tab renewed it.
      token: () => latest().token,
      websocketProvider: socket,
      ...(withAwareness ? {} : { awareness: null }),
      onAuthenticationFailed: ({ reason }) => refusedWith(reason),
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
    if (authError() === SIGNED_OUT) return
    // A token that ended while offline is renewed first, then the socket reconnects.
    if (renewable && msUntilExpiry(latest().token) < RENEW_BEFORE_MS) {
      renewNow(true)
      return
    }
    // Don't wait out the provider's backoff: the network is back now.
    void socket.connect()
  }
  const onOffline = () => {
    setNetworkUp(false)
    // A socket can look open for a long while after the network has gone; drop it now
    // so the status is honest. Edits keep going to IndexedDB and sync on 'online'.
    socket.disconnect()
    // Its closing handshake waits for the network (up to a minute), and until the socket
    // reports closed the provider counts it connected and ignores connect(): 'online' would
    // then open nothing, and the close, when it came, would not reconnect either (the
    // provider was told not to). The drop is completed here instead.
    if (socket.status !== WebSocketStatus.Disconnected)
      socket.onClose({ event: new CloseEvent('close', { code: 1000, reason: 'offline' }) })
    setSocketState('disconnected')
  }
  window.addEventListener('online', onOnline)
  window.addEventListener('offline', onOffline)

  return {
    get identity() {
      return latest()
    },
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
    react(reaction) {
      if (status() !== 'online') return false
      publicChannel.provider.sendStateless(JSON.stringify({ type: 'reaction', reaction }))
      return true
    },
    reactionRefused,
    destroy() {
      if (destroyed) return
      destroyed = true
      clearTimeout(renewTimer)
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
