import { ModDoc } from '@podium/shared'
import { createRoot } from 'solid-js'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createApi } from '../lib/api.ts'
import {
  cacheKey,
  type PeerProvider,
  type PeerProviderOptions,
  PeerStatus,
  type PeerSync,
  signalingUrl,
  startPeerSync,
} from './peer-sync.ts'

const ROOM = { room: 'podium-s1', password: 'secret-1', signalingUrl: '/signal' }
const ICE = { iceServers: [{ urls: 'stun:127.0.0.1:3478' }], expiresAt: null }

/** A real API client over a fetch that answers like the server, or fails like a lost network. */
function apiAnswering(routes: Record<string, unknown> | 'offline') {
  const calls: Array<{ url: string; auth: string | null }> = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input)
    calls.push({ url, auth: new Headers(init?.headers).get('authorization') })
    if (routes === 'offline') throw new TypeError('Failed to fetch')
    const body = routes[new URL(url, 'http://x').pathname]
    if (body === undefined) {
      return new Response(
        JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404, detail: 'no' }),
        {
          status: 404,
          headers: { 'content-type': 'application/problem+json' },
        },
      )
    }
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })
  }
  return { api: createApi({ fetch, attempts: 1 }), calls }
}

interface FakeProvider extends PeerProvider {
  name: string
  options: PeerProviderOptions
  destroyed: boolean
  emitPeers(ids: string[]): void
}

function fakeProviders() {
  const created: FakeProvider[] = []
  const factory = (name: string, _doc: Y.Doc, options: PeerProviderOptions): PeerProvider => {
    let listener: ((e: { webrtcPeers: string[]; bcPeers: string[] }) => void) | null = null
    const provider: FakeProvider = {
      name,
      options,
      destroyed: false,
      onPeers: (fn) => {
        listener = fn
      },
      destroy: () => {
        provider.destroyed = true
      },
      emitPeers: (ids) => listener?.({ webrtcPeers: ids, bcPeers: [] }),
    }
    created.push(provider)
    return provider
  }
  return { created, factory }
}

const docs = () => ({ public: new Y.Doc(), mod: new Y.Doc() })
const location = { protocol: 'https:', host: 'podium.example' }
const settle = () => new Promise((r) => setTimeout(r, 0))

function start(options: Omit<Parameters<typeof startPeerSync>[0], 'docs' | 'location'>) {
  return createRoot((dispose) => {
    const sync = startPeerSync({ ...options, docs: docs(), location })
    return {
      sync,
      dispose: () => {
        sync.stop()
        dispose()
      },
    }
  })
}

describe('peer sync for staff', () => {
  it('refuses to run for attendees', () => {
    const { api } = apiAnswering({})
    expect(() =>
      start({
        identity: { sessionId: 's1', token: 't', role: 'attendee' },
        api,
        storage: localStorage,
      }),
    ).toThrow(/staff only/)
  })

  it('joins one room per document with the password, caches the room, and counts peers', async () => {
    const { api, calls } = apiAnswering({
      '/api/sessions/s1/webrtc-room': ROOM,
      '/api/ice-servers': ICE,
    })
    const { created, factory } = fakeProviders()
    const { sync, dispose } = start({
      identity: { sessionId: 's1', token: 'tok', role: 'moderator' },
      api,
      storage: localStorage,
      createProvider: factory,
    })
    expect(sync.status()).toBe(PeerStatus.starting)
    await settle()
    expect(calls.every((c) => c.auth === 'Bearer tok')).toBe(true)
    expect(created.map((p) => p.name)).toEqual(['podium-s1:public', 'podium-s1:mod'])
    expect(created[0]?.options).toEqual({
      signaling: ['wss://podium.example/signal'],
      password: 'secret-1',
      peerOpts: { config: { iceServers: ICE.iceServers } },
    })
    expect(JSON.parse(localStorage.getItem(cacheKey('s1')) ?? 'null')).toEqual({
      room: ROOM,
      iceServers: ICE.iceServers,
    })
    expect(sync.status()).toBe(PeerStatus.alone)
    created[0]?.emitPeers(['peer-a'])
    created[1]?.emitPeers(['peer-a', 'peer-b'])
    expect(sync.peers()).toBe(2)
    expect(sync.status()).toBe(PeerStatus.connected)
    // y-webrtc names a device differently in each room: one other console is one peer.
    created[0]?.emitPeers(['public-id-of-c'])
    created[1]?.emitPeers(['mod-id-of-c'])
    expect(sync.peers()).toBe(1)
    dispose()
    expect(created.every((p) => p.destroyed)).toBe(true)
  })

  it('starts from the cached room when the server cannot be reached', async () => {
    localStorage.setItem(cacheKey('s1'), JSON.stringify({ room: ROOM, iceServers: [] }))
    const { api } = apiAnswering('offline')
    const { created, factory } = fakeProviders()
    const { sync, dispose } = start({
      identity: { sessionId: 's1', token: 'tok', role: 'host' },
      api,
      storage: localStorage,
      createProvider: factory,
    })
    expect(created.map((p) => p.name)).toEqual(['podium-s1:public', 'podium-s1:mod'])
    await settle()
    expect(created).toHaveLength(2)
    expect(sync.status()).toBe(PeerStatus.alone)
    dispose()
  })

  it('says it is unavailable offline with nothing cached, and joins once back online', async () => {
    const routes: Record<string, unknown> = {}
    let online = false
    const { created, factory } = fakeProviders()
    const api = createApi({
      attempts: 1,
      fetch: async (input) => {
        if (!online) throw new TypeError('Failed to fetch')
        const body = routes[new URL(String(input), 'http://x').pathname]
        return new Response(JSON.stringify(body))
      },
    })
    let sync: PeerSync | undefined
    const dispose = createRoot((d) => {
      sync = startPeerSync({
        identity: { sessionId: 's2', token: 'tok', role: 'moderator' },
        docs: docs(),
        api,
        storage: localStorage,
        location,
        createProvider: factory,
      })
      return d
    })
    await settle()
    expect(sync?.status()).toBe(PeerStatus.unavailable)
    expect(created).toHaveLength(0)
    online = true
    routes['/api/sessions/s2/webrtc-room'] = { ...ROOM, room: 'podium-s2' }
    routes['/api/ice-servers'] = ICE
    window.dispatchEvent(new Event('online'))
    await settle()
    expect(created.map((p) => p.name)).toEqual(['podium-s2:public', 'podium-s2:mod'])
    sync?.stop()
    dispose()
  })

  it('moves to a new room when the server hands out a different one', async () => {
    localStorage.setItem(
      cacheKey('s1'),
      JSON.stringify({ room: { ...ROOM, password: 'old' }, iceServers: [] }),
    )
    const { api } = apiAnswering({ '/api/sessions/s1/webrtc-room': ROOM, '/api/ice-servers': ICE })
    const { created, factory } = fakeProviders()
    const { dispose } = start({
      identity: { sessionId: 's1', token: 'tok', role: 'moderator' },
      api,
      storage: localStorage,
      createProvider: factory,
    })
    await settle()
    expect(created).toHaveLength(4)
    expect(created.slice(0, 2).every((p) => p.destroyed)).toBe(true)
    expect(created[2]?.options.password).toBe('secret-1')
    dispose()
  })

  it('leaves for the new room when the moderators’ document names another one', async () => {
    const routes: Record<string, unknown> = {
      '/api/sessions/s3/webrtc-room': { ...ROOM, room: 'podium-s3.first' },
      '/api/ice-servers': ICE,
    }
    const { api } = apiAnswering(routes)
    const { created, factory } = fakeProviders()
    const shared = docs()
    const dispose = createRoot((d) => {
      const sync = startPeerSync({
        identity: { sessionId: 's3', token: 'tok', role: 'moderator' },
        docs: shared,
        api,
        storage: localStorage,
        location,
        createProvider: factory,
      })
      return () => {
        sync.stop()
        d()
      }
    })
    await settle()
    expect(created.map((p) => p.name)).toEqual(['podium-s3.first:public', 'podium-s3.first:mod'])
    // The room it is in already: nothing to do.
    new ModDoc(shared.mod).setPeerRoom('podium-s3.first')
    await settle()
    expect(created).toHaveLength(2)
    // The staff list changed: the server hands out a new room and password.
    routes['/api/sessions/s3/webrtc-room'] = {
      ...ROOM,
      room: 'podium-s3.second',
      password: 'secret-2',
    }
    new ModDoc(shared.mod).setPeerRoom('podium-s3.second')
    await settle()
    expect(created.map((p) => p.name).slice(2)).toEqual([
      'podium-s3.second:public',
      'podium-s3.second:mod',
    ])
    expect(created.slice(0, 2).every((p) => p.destroyed)).toBe(true)
    expect(created[2]?.options.password).toBe('secret-2')
    dispose()
  })

  it('turns relative and http signaling addresses into WebSocket ones', () => {
    expect(signalingUrl('/signal', { protocol: 'http:', host: 'h:8080' })).toBe(
      'ws://h:8080/signal',
    )
    expect(signalingUrl('https://s.example/y', location)).toBe('wss://s.example/y')
    expect(signalingUrl('ws://s.example/y', location)).toBe('ws://s.example/y')
  })
})
