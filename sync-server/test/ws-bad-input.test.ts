import { CloseCode, documentName, OutboxDoc, voteEntryId } from '@podium/shared'
import * as encoding from 'lib0/encoding'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { startPodium, type TestPodium } from '../../test-support/podium.ts'
import { createSession, join, TestClient, waitFor } from './helpers/clients.ts'
import { frame, MessageType, RawClient } from './helpers/raw-client.ts'

let server: TestPodium
const clients: TestClient[] = []
const raws: RawClient[] = []
beforeAll(async () => {
  server = await startPodium()
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  for (const r of raws) r.close()
  await server.close()
})

function client(identity: { sessionId: string; userId: string; token: string }, withMod = false) {
  const c = new TestClient(server.syncUrl, identity, {}, withMod)
  clients.push(c)
  return c
}

async function raw(): Promise<RawClient> {
  const r = await RawClient.open(server.syncUrl)
  raws.push(r)
  return r
}

async function room(settings: Record<string, unknown> = {}) {
  const session = await createSession(server.url, { title: 'Bad input', settings })
  const host = client(
    { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
    true,
  )
  const mallory = await join(server.url, session.code, 'Mallory')
  const honest = client(await join(server.url, session.code, 'Honest'))
  await Promise.all([host.synced(), honest.synced()])
  return { session, host, mallory, honest }
}

describe('malformed outbox entries', () => {
  it('each gets a rejected receipt with a reason, and nothing is published', async () => {
    const { host, mallory, honest } = await room({ maxQuestionLength: 100 })
    const m = client(mallory)
    await m.synced()
    const { questionId: honestQuestion } = honest.outbox.ask('An honest question')
    await waitFor(() => host.public.hasQuestion(honestQuestion), 5000, 'honest question')

    const ok = { seq: 1, createdAt: Date.now() }
    const ask = (id: string, text: string) => ({ type: 'ask', id, questionId: id, text, ...ok })
    const nested = new Y.Map<unknown>()
    nested.set('type', 'ask')
    const cases: Array<[key: string, value: unknown, reason: string]> = [
      [
        'wrongtypes01',
        { type: 'ask', id: 'wrongtypes01', seq: '1', createdAt: 'now', text: 7 },
        'invalid',
      ],
      ['missing00001', { type: 'ask', id: 'missing00001' }, 'invalid'],
      ['unknowntype1', { type: 'delete-everything', id: 'unknowntype1', ...ok }, 'invalid'],
      ['number000001', 42, 'invalid'],
      ['string000001', 'ask: what?', 'invalid'],
      ['array0000001', ['ask', 'what?'], 'invalid'],
      ['null00000001', null, 'invalid'],
      ['ymap00000001', nested, 'invalid'],
      ['idmismatch01', ask('someoneelse1', 'Whose entry is this?'), 'invalid'],
      [
        'qidmismatch1',
        { ...ask('qidmismatch1', 'Question id differs'), questionId: 'otherquestion' },
        'invalid',
      ],
      ['negseq000001', { ...ask('negseq000001', 'Negative seq'), seq: -3 }, 'invalid'],
      ['floatseq0001', { ...ask('floatseq0001', 'Fractional seq'), seq: 1.5 }, 'invalid'],
      ['blank0000001', ask('blank0000001', '     '), 'invalid'],
      ['longtext0001', ask('longtext0001', 'x'.repeat(101)), 'too-long'],
      ['ceiling00001', ask('ceiling00001', 'y'.repeat(2001)), 'too-long'],
      ['huge00000001', ask('huge00000001', 'z'.repeat(300_000)), 'too-long'],
      [`k${'e'.repeat(20_000)}`, ask('hugekey00001', 'A key of 20 kB'), 'invalid'],
      [
        voteEntryId(honestQuestion),
        {
          type: 'vote',
          id: voteEntryId(honestQuestion),
          questionId: honestQuestion,
          up: 'yes',
          ...ok,
        },
        'invalid',
      ],
      [
        'notvotekey01',
        { type: 'vote', id: 'notvotekey01', questionId: honestQuestion, up: true, ...ok },
        'invalid',
      ],
      [
        'replymismat1',
        {
          type: 'reply',
          id: 'replymismat1',
          replyId: 'otherreply01',
          questionId: honestQuestion,
          text: 'Hi',
          ...ok,
        },
        'invalid',
      ],
      [
        'editothers01',
        { type: 'edit', id: 'editothers01', questionId: honestQuestion, text: 'Mine now', ...ok },
        'not-yours',
      ],
      [
        voteEntryId('nosuchquestion'),
        {
          type: 'vote',
          id: voteEntryId('nosuchquestion'),
          questionId: 'nosuchquestion',
          up: true,
          ...ok,
        },
        'not-found',
      ],
    ]
    const entries = m.outbox.doc.getMap<unknown>('entries')
    m.outbox.doc.transact(() => {
      for (const [key, value] of cases) entries.set(key, value)
    })

    await waitFor(
      () => cases.every(([key]) => m.outbox.receipt(key) !== undefined),
      10_000,
      'a receipt for every malformed entry',
    )
    const receipts = Object.fromEntries(cases.map(([key]) => [key, m.outbox.receipt(key)]))
    for (const [key, , reason] of cases) {
      expect(receipts[key], key.slice(0, 20)).toMatchObject({ status: 'rejected', reason })
    }
    expect(host.public.questions().map((q) => q.id)).toEqual([honestQuestion])
    expect(host.public.question(honestQuestion)?.votes).toBe(0)
    expect(host.public.replies()).toEqual([])
    expect(host.mod.queue()).toEqual([])

    // The ingest goes on: a well-formed entry from the same outbox is published.
    const { questionId } = m.outbox.ask('A well-formed question after all that')
    await waitFor(() => host.public.hasQuestion(questionId), 5000, 'valid question published')
  })
})

describe('malformed frames', () => {
  it('ING-GATE-2: closes a socket that sends a text frame with 4400', async () => {
    const r = await raw()
    r.send('{"type":"sync"}')
    expect((await r.waitClosed()).code).toBe(CloseCode.badFrame)
  })

  it('ING-GATE-2: closes a socket whose frame does not decode with 4400, before or after authenticating', async () => {
    const { session, mallory, honest } = await room()
    const outbox = documentName.outbox(session.id, mallory.userId)
    const truncatedAddress = (() => {
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, 200)
      encoding.writeUint8Array(e, new TextEncoder().encode('session/'))
      return encoding.toUint8Array(e)
    })()
    const awarenessBadJson = (() => {
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, 1)
      encoding.writeVarUint(e, 1234)
      encoding.writeVarUint(e, 1)
      encoding.writeVarString(e, '{"user": ')
      return encoding.toUint8Array(e)
    })()
    const bad: Array<[string, Uint8Array, boolean]> = [
      ['empty frame', new Uint8Array(0), false],
      ['truncated address', truncatedAddress, false],
      ['address without a type', frame.raw(outbox, 0, new Uint8Array()).slice(0, -1), false],
      ['unknown message type', frame.raw(outbox, 99, new Uint8Array([1, 2, 3])), true],
      [
        'server-only message type',
        frame.raw(outbox, MessageType.broadcastStateless, new Uint8Array([1, 65])),
        true,
      ],
      ['unknown sync step', frame.raw(outbox, MessageType.sync, new Uint8Array([7, 0])), true],
      ['sync step without payload', frame.raw(outbox, MessageType.sync, new Uint8Array([2])), true],
      [
        'update of random bytes',
        frame.update(outbox, new Uint8Array([9, 200, 3, 77, 1, 255, 255, 255, 0])),
        true,
      ],
      ['truncated update', frame.update(outbox, truncate(validUpdate())), true],
      ['awareness with broken JSON', frame.awareness(outbox, awarenessBadJson), true],
    ]
    for (const [what, bytes, authenticate] of bad) {
      const r = await raw()
      if (authenticate) expect(await r.authenticate(outbox, mallory.token)).toBe('read-write')
      r.send(bytes)
      const closed = await r.waitClosed().catch(() => null)
      expect(closed?.code, what).toBe(CloseCode.badFrame)
    }
    // None of it reached the outbox, and the server serves others as before.
    const stored = server.podium.services.hocuspocus.documents.get(outbox)
    expect(stored?.getMap('entries').size ?? 0).toBe(0)
    const { questionId } = honest.outbox.ask('Still here?')
    await waitFor(() => honest.public.hasQuestion(questionId), 5000, 'honest client unaffected')
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })

  it('ING-GATE-5: closes a flooding socket with 4429 and leaves other clients alone', async () => {
    const { session, mallory, honest, host } = await room()
    const outbox = documentName.outbox(session.id, mallory.userId)
    const r = await raw()
    expect(await r.authenticate(outbox, mallory.token)).toBe('read-write')
    const emptyUpdate = Y.encodeStateAsUpdate(new Y.Doc())
    for (let i = 0; i < 2000 && r.isOpen; i++) r.send(frame.update(outbox, emptyUpdate))
    expect((await r.waitClosed()).code).toBe(CloseCode.rateLimited)

    const { questionId } = honest.outbox.ask('Unaffected by the flood')
    await waitFor(() => host.public.hasQuestion(questionId), 5000, 'honest question after flood')
  })
})

describe('outbox shape and size', () => {
  /** An update made by a fresh replica: every key it writes names its map and key. */
  const updateOf = (write: (doc: Y.Doc) => void) => {
    const doc = new Y.Doc()
    write(doc)
    return Y.encodeStateAsUpdate(doc)
  }
  const unloaded = (name: string) =>
    waitFor(() => !server.podium.services.hocuspocus.documents.has(name), 5000, `${name} unloaded`)
  async function storedState(name: string): Promise<Y.Doc> {
    const doc = new Y.Doc()
    const state = await server.podium.services.store.load(name)
    if (state) Y.applyUpdate(doc, state)
    return doc
  }
  /** Sends `update` on a fresh socket; resolves to the close, or null when it was applied. */
  async function write(name: string, token: string, update: Uint8Array) {
    const r = await raw()
    expect(await r.authenticate(name, token)).toBe('read-write')
    const before = r.received.length
    r.send(frame.update(name, update))
    await waitFor(
      () =>
        r.closed !== null ||
        r.received.slice(before).some((m) => m.kind === 'sync-status' && m.applied),
      5000,
      'update applied or socket closed',
    )
    const closed = r.closed
    r.close()
    return closed
  }

  it('ING-GATE-6: refuses updates that write a map or key an outbox does not hold, however often it reconnects', async () => {
    const { session, mallory, host } = await room()
    const outbox = documentName.outbox(session.id, mallory.userId)
    const big = 'x'.repeat(900_000)
    const forbidden: Array<[string, Uint8Array]> = [
      ['an extra map', updateOf((d) => d.getMap('extra').set('blob', big))],
      ['an extra key in profile', updateOf((d) => d.getMap('profile').set('blob', big))],
      ['entries written as a list', updateOf((d) => d.getArray('entries').push([big]))],
      ['a top-level text', updateOf((d) => d.getText('notes').insert(0, 'hello'))],
      [
        'an extra map beside a valid entry',
        updateOf((d) => {
          d.getMap('entries').set('fine00000001', { type: 'ask' })
          d.getMap('extra').set('blob', 'y')
        }),
      ],
    ]
    // The report's case: a large extra map, once per connection, four connections.
    for (let i = 0; i < 4; i++) {
      const closed = await write(outbox, mallory.token, forbidden[0]![1])
      expect(closed?.code, `extra map, connection ${i + 1}`).toBe(CloseCode.badFrame)
    }
    for (const [what, update] of forbidden.slice(1)) {
      const closed = await write(outbox, mallory.token, update)
      expect(closed?.code, what).toBe(CloseCode.badFrame)
    }

    // What an outbox does hold is written as before, by the same user's own client.
    const m = client(mallory)
    await m.synced()
    m.outbox.setProfileName('Mallory M.')
    const { questionId } = m.outbox.ask('A question in the right place')
    await waitFor(() => host.public.hasQuestion(questionId), 5000, 'question published')
    m.destroy()
    await unloaded(outbox)
    const stored = await storedState(outbox)
    expect([...stored.share.keys()].sort()).toEqual(['entries', 'profile', 'receipts'])
    expect(new OutboxDoc(stored).profileName()).toBe('Mallory M.')
    expect(new OutboxDoc(stored).entryCount()).toBe(1)
    expect(Y.encodeStateAsUpdate(stored).byteLength).toBeLessThan(10_000)
  })

  it('ING-GATE-7: counts the whole document against the cap, and the count survives reconnecting', async () => {
    const { session, mallory } = await room()
    const outbox = documentName.outbox(session.id, mallory.userId)
    // Receipts are a map an outbox holds, but not entries: the old count measured only those.
    const chunk = (n: number) =>
      updateOf((d) => d.getMap('receipts').set(`chunk${n}`, 'r'.repeat(900_000)))

    expect(await write(outbox, mallory.token, chunk(1))).toBeNull()
    await unloaded(outbox)
    expect(await write(outbox, mallory.token, chunk(2))).toBeNull()
    // Over 2 MiB with the next one, on a new connection to the document loaded again.
    await unloaded(outbox)
    const closed = await write(outbox, mallory.token, chunk(3))
    expect(closed).toMatchObject({ code: CloseCode.frameTooLarge, reason: 'outbox-full' })
    await unloaded(outbox)
    const stored = await storedState(outbox)
    expect(stored.getMap('receipts').has('chunk3')).toBe(false)
    expect(Y.encodeStateAsUpdate(stored).byteLength).toBeLessThan(2 * 1024 * 1024)
  })
})

function validUpdate(): Uint8Array {
  const doc = new Y.Doc()
  doc.getMap('entries').set('x', { type: 'ask', text: 'a'.repeat(50) })
  return Y.encodeStateAsUpdate(doc)
}

function truncate(bytes: Uint8Array): Uint8Array {
  return bytes.slice(0, Math.floor(bytes.length / 2))
}
