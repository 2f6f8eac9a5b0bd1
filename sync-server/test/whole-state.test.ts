import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import { Server } from '@hocuspocus/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import {
  installWholeStateAnswer,
  KEPT_STATE_BYTES,
  wholeState,
  wholeStateCounts,
} from '../src/sync/whole-state.ts'
import { waitFor } from './helpers/clients.ts'

function bigDoc(): Y.Doc {
  const doc = new Y.Doc()
  const list = doc.getArray<string>('items')
  for (let i = 0; i < 2000; i++) list.push([`item ${i} ${'x'.repeat(40)}`])
  return doc
}

describe('the whole state kept for clients without local state', () => {
  it('encodes a large document once until its next transaction', () => {
    const doc = bigDoc()
    const before = wholeStateCounts()
    const first = wholeState(doc)
    expect(first.byteLength).toBeGreaterThanOrEqual(KEPT_STATE_BYTES)
    expect(wholeState(doc)).toBe(first)
    expect(wholeStateCounts().encoded - before.encoded).toBe(1)
    expect(wholeStateCounts().reused - before.reused).toBe(1)

    doc.getArray<string>('items').delete(0, 1)
    const after = wholeState(doc)
    expect(after).not.toBe(first)
    expect(after).toEqual(Y.encodeStateAsUpdate(doc))
  })

  it('keeps it across a transaction that changes nothing, not across one left pending', () => {
    const doc = bigDoc()
    const first = wholeState(doc)
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(new Y.Doc())) // a newcomer's empty step 2
    expect(wholeState(doc)).toBe(first)

    const other = new Y.Doc()
    const updates: Uint8Array[] = []
    other.on('update', (update: Uint8Array) => updates.push(update))
    other.getText('t').insert(0, 'a')
    other.getText('t').insert(1, 'b')
    Y.applyUpdate(doc, updates[1]!) // its first half never came: pending
    expect(doc.store.pendingStructs).not.toBeNull()
    const pending = wholeState(doc)
    expect(pending).not.toBe(first)
    expect(pending).toEqual(Y.encodeStateAsUpdate(doc))
  })

  it('does not keep small documents', () => {
    const doc = new Y.Doc()
    doc.getMap('m').set('k', 'v')
    const first = wholeState(doc)
    expect(wholeState(doc)).not.toBe(first)
    expect(wholeState(doc)).toEqual(Y.encodeStateAsUpdate(doc))
  })
})

describe('Hocuspocus answering sync step 1 with the kept state', () => {
  let server: Server
  let url: string
  const sockets: HocuspocusProviderWebsocket[] = []

  beforeAll(async () => {
    installWholeStateAnswer()
    server = new Server({ port: 0, address: '127.0.0.1', quiet: true })
    await server.listen()
    url = `ws://127.0.0.1:${server.address.port}`
  })

  afterAll(async () => {
    for (const socket of sockets) socket.destroy()
    await server.destroy()
  })

  function connect(name: string, document = new Y.Doc()) {
    const socket = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket })
    sockets.push(socket)
    const provider = new HocuspocusProvider({ websocketProvider: socket, name, document })
    provider.attach()
    return provider
  }

  it('gives newcomers the same bytes until a change, then the change', async () => {
    const writer = connect('big', bigDoc())
    await waitFor(() => writer.isSynced, 5000, 'writer synced')
    await waitFor(
      () => (server.hocuspocus.documents.get('big')?.getArray('items').length ?? 0) === 2000,
      5000,
      'server has the items',
    )

    const before = wholeStateCounts()
    const newcomers = [connect('big'), connect('big'), connect('big')]
    await waitFor(() => newcomers.every((p) => p.isSynced), 5000, 'newcomers synced')
    for (const p of newcomers) expect(p.document.getArray('items').length).toBe(2000)
    expect(wholeStateCounts().encoded - before.encoded).toBe(1)
    expect(wholeStateCounts().reused - before.reused).toBe(2)

    // A change after the state was kept reaches a newcomer, and newcomers' writes reach the rest.
    writer.document.getArray<string>('items').push(['after'])
    newcomers[0]!.document.getArray<string>('items').push(['from a newcomer'])
    const late = connect('big')
    await waitFor(() => late.isSynced, 5000, 'late synced')
    await waitFor(
      () => [writer, late, ...newcomers].every((p) => p.document.getArray('items').length === 2002),
      5000,
      'everyone has both changes',
    )
    expect(late.document.getArray('items').toArray()).toEqual(
      writer.document.getArray('items').toArray(),
    )
  })

  it('leaves a client with local state to the diff Hocuspocus computes', async () => {
    const local = bigDoc()
    const returning = connect('returning', local)
    await waitFor(() => returning.isSynced, 5000, 'returning synced')
    const before = wholeStateCounts()
    const again = connect('returning', cloneOf(local))
    await waitFor(() => again.isSynced, 5000, 'again synced')
    expect(wholeStateCounts()).toEqual(before)
    expect(again.document.getArray('items').length).toBe(2000)
  })
})

function cloneOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  return copy
}
