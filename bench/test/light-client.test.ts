import { createServer, type IncomingMessage } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { HocuspocusProvider } from '@hocuspocus/provider'
import { Server } from '@hocuspocus/server'
import { PublicDoc } from '@podium/shared'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { WebsocketProvider } from 'y-websocket-server-baseline'
import * as Y from 'yjs'
import { LightClient, Wire } from '../src/client/socket.ts'
import { until } from '../src/gen/control.ts'
import { viewer } from '../src/gen/roles/common.ts'
import { benchQuestion } from '../src/gen/roles/publish.ts'
import { SyncType } from '../src/wire/frames.ts'
import { markerId, nowMicros, scanMarkers } from '../src/wire/markers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function hocuspocus(timeout?: number): Promise<string> {
  const server = new Server({
    port: 0,
    address: '127.0.0.1',
    quiet: true,
    stopOnSignals: false,
    ...(timeout ? { timeout } : {}),
  })
  await server.listen()
  cleanups.push(() => server.destroy())
  return `ws://127.0.0.1:${server.address.port}`
}

async function yWebsocket(): Promise<string> {
  const require = createRequire(import.meta.url)
  const { setupWSConnection } = require('y-websocket-server-baseline/bin/utils') as {
    setupWSConnection: (conn: WebSocket, req: IncomingMessage) => void
  }
  const http = createServer()
  const wss = new WebSocketServer({ server: http })
  wss.on('connection', (conn, req) => setupWSConnection(conn, req))
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate()
        http.close(() => r())
      }),
  )
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}`
}

function light(wire: Wire, url: string, name: string, doc?: Y.Doc): LightClient {
  const client = new LightClient({ wire, url, channels: [{ name, ...(doc ? { doc } : {}) }] })
  cleanups.push(() => client.close())
  return client
}

describe('the simulated client on Hocuspocus', () => {
  it('syncs with a real provider in both directions', async () => {
    const url = await hocuspocus()
    const providerDoc = new Y.Doc()
    providerDoc.getMap('m').set('before', 1)
    const provider = new HocuspocusProvider({
      url,
      name: 'room',
      document: providerDoc,
      WebSocketPolyfill: WebSocket,
    } as ConstructorParameters<typeof HocuspocusProvider>[0])
    cleanups.push(() => provider.destroy())
    await until(() => provider.isSynced, 5_000)

    const doc = new Y.Doc()
    const client = light(Wire.hocuspocus, url, 'room', doc)
    expect(await until(() => client.synced, 5_000)).toBe(true)
    expect(client.channels[0]!.state).toBe('synced')
    expect(doc.getMap('m').get('before')).toBe(1)

    doc.getMap('m').set('fromLight', 2)
    expect(await until(() => providerDoc.getMap('m').get('fromLight') === 2, 5_000)).toBe(true)
    providerDoc.getMap('m').set('fromProvider', 3)
    expect(await until(() => doc.getMap('m').get('fromProvider') === 3, 5_000)).toBe(true)
    // The server acknowledges the light client's update as it does a provider's.
    expect(await until(() => client.channels[0]!.acks > 0, 5_000)).toBe(true)
  })

  it('times published questions from the markers in the raw frames, without a doc', async () => {
    const url = await hocuspocus()
    const arrivals: Array<{ seq: number; micros: number }> = []
    const receiver = new LightClient({
      wire: Wire.hocuspocus,
      url,
      channels: [{ name: 'session/x' }, { name: 'session/x/user/u1', awareness: true }],
      hooks: {
        onSync: (_channel, syncType, _payload, frame) => {
          if (syncType === SyncType.update)
            scanMarkers(frame, (seq, micros) => arrivals.push({ seq, micros }))
        },
      },
    })
    cleanups.push(() => receiver.close())
    const moderatorDoc = new Y.Doc()
    const moderator = light(Wire.hocuspocus, url, 'session/x', moderatorDoc)
    await until(() => receiver.synced && moderator.synced, 5_000)
    const sentAt = nowMicros()
    new PublicDoc(moderatorDoc).putQuestion(benchQuestion(markerId(7, sentAt), 'hello'))
    expect(await until(() => arrivals.length > 0, 5_000)).toBe(true)
    expect(arrivals[0]).toEqual({ seq: 7, micros: sentAt })
    expect(new Set(arrivals.map((a) => a.seq))).toEqual(new Set([7]))
  })
})

/** The close code Hocuspocus gives a socket silent past its timeout ("Connection Timeout"). */
const CONNECTION_TIMEOUT = 4408

describe('a simulated projector', () => {
  // The server closes a socket that has sent nothing for its timeout (60 s by default; here
  // 1 s). A projector only reads: in a minute-long reaction storm the server closed it, and
  // it missed the last windows. Its outbox's awareness renewal keeps it, as in the real client.
  it('stays connected past the idle timeout by renewing its outbox awareness', async () => {
    const url = await hocuspocus(1_000)
    const who = { token: 't', publicDoc: 'session/s', ownDoc: 'session/s/user/u' }
    const closes: string[] = []
    const watching = viewer(
      { wire: Wire.hocuspocus, url },
      who,
      { publicDoc: new Y.Doc() },
      (code) => closes.push(`watching ${code}`),
      200,
    )
    const silent = viewer(
      { wire: Wire.hocuspocus, url },
      { token: 't', publicDoc: 'session/s' },
      { publicDoc: new Y.Doc() },
      (code) => closes.push(`silent ${code}`),
      200,
    )
    cleanups.push(
      () => watching.close(),
      () => silent.close(),
    )
    await until(() => watching.synced && silent.synced, 5_000)
    await new Promise((r) => setTimeout(r, 3_000))
    expect(closes).toEqual([`silent ${CONNECTION_TIMEOUT}`])
    expect(watching.closed).toBe(false)
  }, 10_000)
})

describe('the simulated client on y-websocket', () => {
  it('syncs with a real WebsocketProvider in both directions', async () => {
    const url = await yWebsocket()
    const providerDoc = new Y.Doc()
    const provider = new WebsocketProvider(url, 'room', providerDoc, {
      WebSocketPolyfill: WebSocket as never,
    })
    cleanups.push(() => provider.destroy())
    await until(() => provider.synced, 5_000)
    providerDoc.getMap('m').set('before', 1)

    const doc = new Y.Doc()
    const client = light(Wire.yWebsocket, url, 'room', doc)
    expect(await until(() => client.synced, 5_000)).toBe(true)
    expect(await until(() => doc.getMap('m').get('before') === 1, 5_000)).toBe(true)
    doc.getMap('m').set('fromLight', 2)
    expect(await until(() => providerDoc.getMap('m').get('fromLight') === 2, 5_000)).toBe(true)
  })
})

describe('markers', () => {
  it('finds every marker in a buffer and ignores look-alikes', () => {
    const found: number[] = []
    const bytes = Buffer.from(`xxPdBm12_1700000000000123yyPdBm3_17PdBmzzPdBm4_1700000000000999`)
    scanMarkers(bytes, (seq) => found.push(seq))
    expect(found).toEqual([12, 4])
  })
})
