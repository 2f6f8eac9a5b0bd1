import { IceServer, IceServersResponse, isStaff, ModDoc, WebrtcRoomResponse } from '@podium/shared'
import { type Accessor, createSignal } from 'solid-js'
import { WebrtcProvider } from 'y-webrtc'
import type * as Y from 'yjs'
import { z } from 'zod'
import type { Api } from '../lib/api.ts'
import type { Identity } from '../lib/identity.ts'

/**
 * Peer-to-peer sync between staff (y-webrtc): moderators keep the public and
 * moderators' documents in sync with each other while the sync server is out of
 * reach. The room and its password come from the API while online and are cached,
 * so a console reopened offline still finds its peers. Both change with every change of
 * the staff list: the moderators' document names the current room, and a console in
 * another one fetches the new room and leaves the old (and any peer no longer staff).
 * Attendees never use this.
 */

export type WebrtcRoomConfig = WebrtcRoomResponse

const CachedPeerConfig = z.object({
  room: WebrtcRoomResponse,
  iceServers: z.array(IceServer),
})
export type PeerConfig = z.infer<typeof CachedPeerConfig>

export const cacheKey = (sessionId: string) => `podium:webrtc-room:${sessionId}`

export const PeerStatus = {
  /** Looking up the room (or no room known yet). */
  starting: 'starting',
  /** No room: the server never told this device one and cannot be reached. */
  unavailable: 'unavailable',
  /** Joined the room; no other staff member there yet. */
  alone: 'alone',
  connected: 'connected',
} as const
export type PeerStatus = (typeof PeerStatus)[keyof typeof PeerStatus]

export interface PeerProviderOptions {
  signaling: string[]
  password: string
  peerOpts: { config: { iceServers: IceServer[] } }
}

/** The part of a y-webrtc provider this module uses; tests pass their own. */
export interface PeerProvider {
  onPeers(fn: (peers: { webrtcPeers: string[]; bcPeers: string[] }) => void): void
  destroy(): void
}
export type PeerProviderFactory = (
  roomName: string,
  doc: Y.Doc,
  options: PeerProviderOptions,
) => PeerProvider

export const webrtcProvider: PeerProviderFactory = (roomName, doc, options) => {
  const provider = new WebrtcProvider(roomName, doc, options)
  return {
    onPeers: (fn) => provider.on('peers', fn),
    destroy: () => provider.destroy(),
  }
}

/** Signaling URLs may come relative or as http(s); y-webrtc needs ws(s). */
export function signalingUrl(url: string, base: Pick<Location, 'protocol' | 'host'>): string {
  const wsProtocol = base.protocol === 'https:' ? 'wss:' : 'ws:'
  if (url.startsWith('/')) return `${wsProtocol}//${base.host}${url}`
  return url.replace(/^http(s?):/, 'ws$1:')
}

export function readCachedConfig(storage: Storage, sessionId: string): PeerConfig | null {
  try {
    const raw = storage.getItem(cacheKey(sessionId))
    if (!raw) return null
    const parsed = CachedPeerConfig.safeParse(JSON.parse(raw))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/**
 * The room to join: fresh from the API when it answers (and then cached), else the
 * cached one, else null. ICE servers are optional: without them peers on the same
 * network still connect over host candidates.
 */
export async function loadPeerConfig(
  identity: Pick<Identity, 'sessionId' | 'token'>,
  api: Pick<Api, 'get'>,
  storage: Storage,
): Promise<PeerConfig | null> {
  const cached = readCachedConfig(storage, identity.sessionId)
  const base = `/api/sessions/${encodeURIComponent(identity.sessionId)}`
  let room: WebrtcRoomConfig
  try {
    room = await api.get(`${base}/webrtc-room`, identity.token, WebrtcRoomResponse)
  } catch {
    return cached
  }
  let iceServers: IceServer[] = cached?.iceServers ?? []
  try {
    iceServers = (await api.get('/api/ice-servers', identity.token, IceServersResponse)).iceServers
  } catch {
    // keep the cached (or no) ICE servers
  }
  const config: PeerConfig = { room, iceServers }
  try {
    storage.setItem(cacheKey(identity.sessionId), JSON.stringify(config))
  } catch {
    // a full or unavailable storage only costs the offline start
  }
  return config
}

export interface PeerSync {
  status: Accessor<PeerStatus>
  /** Other staff devices this one exchanges updates with. */
  peers: Accessor<number>
  stop(): void
}

export interface PeerSyncOptions {
  identity: Pick<Identity, 'sessionId' | 'token' | 'role'>
  docs: { public: Y.Doc; mod: Y.Doc }
  api: Pick<Api, 'get'>
  storage?: Storage
  location?: Pick<Location, 'protocol' | 'host'>
  createProvider?: PeerProviderFactory
}

/** Room names per document: one y-webrtc room holds exactly one Y.Doc. */
export const peerRoomNames = (room: string) => ({ public: `${room}:public`, mod: `${room}:mod` })

export function startPeerSync(options: PeerSyncOptions): PeerSync {
  if (!isStaff(options.identity.role)) {
    throw new Error('Peer-to-peer sync is for staff only; attendees sync through the server.')
  }
  const storage = options.storage ?? localStorage
  const location = options.location ?? window.location
  const createProvider = options.createProvider ?? webrtcProvider
  const [status, setStatus] = createSignal<PeerStatus>(PeerStatus.starting)
  const [peers, setPeers] = createSignal(0)
  const providers: PeerProvider[] = []
  const peersByDoc = new Map<string, Set<string>>()
  let stopped = false
  let joined = ''
  let joinedRoom = ''

  // y-webrtc gives a console a new peer id in every room, and each staff console joins
  // both rooms: the busiest room counts the other consoles (a union counts each twice).
  const countPeers = () => {
    const count = Math.max(0, ...[...peersByDoc.values()].map((set) => set.size))
    setPeers(count)
    setStatus(count > 0 ? PeerStatus.connected : PeerStatus.alone)
  }

  const join = (config: PeerConfig) => {
    const key = JSON.stringify(config.room)
    if (stopped || key === joined) return
    // A different room (say, a new password): leave the old one first.
    for (const provider of providers.splice(0)) provider.destroy()
    peersByDoc.clear()
    joined = key
    joinedRoom = config.room.room
    const names = peerRoomNames(config.room.room)
    const providerOptions: PeerProviderOptions = {
      signaling: [signalingUrl(config.room.signalingUrl, location)],
      password: config.room.password,
      peerOpts: { config: { iceServers: config.iceServers } },
    }
    for (const [kind, doc] of [
      ['public', options.docs.public],
      ['mod', options.docs.mod],
    ] as const) {
      const provider = createProvider(names[kind], doc, providerOptions)
      provider.onPeers(({ webrtcPeers }) => {
        peersByDoc.set(kind, new Set(webrtcPeers))
        countPeers()
      })
      providers.push(provider)
    }
    countPeers()
  }

  const attempt = () => {
    loadPeerConfig(options.identity, options.api, storage)
      .then((config) => {
        if (config) join(config)
        else if (!stopped) setStatus(PeerStatus.unavailable)
      })
      .catch(() => {
        if (!stopped) setStatus(PeerStatus.unavailable)
      })
  }

  // Use the cached room at once (offline start), then refresh it from the server.
  const cached = readCachedConfig(storage, options.identity.sessionId)
  if (cached) join(cached)
  attempt()
  const onOnline = () => {
    if (providers.length === 0) attempt()
  }
  window.addEventListener('online', onOnline)
  // The staff list changed: the server names the new room here (never its password).
  const unobserve = new ModDoc(options.docs.mod).observePeerRoom((room) => {
    if (room && room !== joinedRoom && !stopped) attempt()
  })

  return {
    status,
    peers,
    stop() {
      stopped = true
      unobserve()
      window.removeEventListener('online', onOnline)
      for (const provider of providers.splice(0)) provider.destroy()
    },
  }
}
