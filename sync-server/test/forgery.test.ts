import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CloseCode, documentName, ModDoc, OutboxDoc, PublicDoc } from '@podium/shared'
import { signToken } from '@podium/shared/token'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { startPodium, type TestPodium } from '../../test-support/podium.ts'
import {
  createSession,
  type Joined,
  join as joinSession,
  TestClient,
  waitFor,
} from './helpers/clients.ts'
import { Random } from './helpers/prng.ts'
import { awarenessUpdate, frame, RawClient } from './helpers/raw-client.ts'

/**
 * An attendee with a raw socket tries everything the protocol lets a client send. Nothing it
 * forges may be applied, stored or relayed; the server stays up and honest clients notice
 * nothing.
 */

const MAX_FRAME_BYTES = 64 * 1024
const FORGED = 'forged-by-mallory'
const SECRET = 'test-secret-test-secret-test-secret-0000'

let dataDir: string
let server: TestPodium
let session: Awaited<ReturnType<typeof createSession>>
let mallory: Joined
let bob: Joined
let host: TestClient
let bobClient: TestClient
let malloryTab: TestClient
let questionId: string
const raws: RawClient[] = []

const names = () => ({
  public: documentName.public(session.id),
  mod: documentName.mod(session.id),
  bobOutbox: documentName.outbox(session.id, bob.userId),
  malloryOutbox: documentName.outbox(session.id, mallory.userId),
})

async function attacker(): Promise<RawClient> {
  const r = await RawClient.open(server.syncUrl)
  raws.push(r)
  return r
}

function start() {
  return startPodium({ MAX_FRAME_BYTES: String(MAX_FRAME_BYTES) }, { dataDir })
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'podium-forgery-'))
  server = await start()
  session = await createSession(server.url, { title: 'Honest title' })
  mallory = await joinSession(server.url, session.code, 'Mallory')
  bob = await joinSession(server.url, session.code, 'Bob')
  host = new TestClient(
    server.syncUrl,
    { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
    {},
    true,
  )
  bobClient = new TestClient(server.syncUrl, bob)
  // Mallory's own second tab: the one peer that shares her outbox.
  malloryTab = new TestClient(server.syncUrl, mallory)
  await Promise.all([host.synced(), bobClient.synced(), malloryTab.synced()])
  questionId = bobClient.outbox.ask('What does the roadmap say?').questionId
  await waitFor(() => host.public.hasQuestion(questionId), 5000, "Bob's question published")
  bobClient.outbox.vote(questionId, true)
  await waitFor(() => host.public.question(questionId)?.votes === 1, 5000, "Bob's vote counted")
})

afterAll(async () => {
  for (const r of raws) r.close()
  for (const c of [host, bobClient, malloryTab]) c?.destroy()
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

/** What a successful forgery would leave somewhere; none of it may appear. */
function forgedIn(docs: { public?: Y.Doc; mod?: Y.Doc; bobOutbox?: Y.Doc }): string[] {
  const found: string[] = []
  if (docs.public) {
    const pub = new PublicDoc(docs.public)
    if (pub.meta().title !== 'Honest title') found.push('public: title')
    if (pub.settings().preModeration) found.push('public: settings')
    if (pub.question(questionId)?.votes !== 1) found.push('public: vote count')
    if (pub.question(questionId)?.text !== 'What does the roadmap say?') found.push('public: text')
    if (pub.questions().some((q) => q.text.includes(FORGED))) found.push('public: question')
    if (pub.replies().some((r) => r.text.includes(FORGED))) found.push('public: reply')
  }
  if (docs.mod) {
    const mod = new ModDoc(docs.mod)
    if (mod.queue().some((i) => i.text.includes(FORGED))) found.push('mod: queue')
    if (mod.note(questionId).includes(FORGED)) found.push('mod: note')
  }
  if (docs.bobOutbox) {
    const outbox = new OutboxDoc(docs.bobOutbox)
    if (outbox.rawEntries().some(([, v]) => JSON.stringify(v).includes(FORGED)))
      found.push('bob outbox: entry')
  }
  return found
}

/** The changes Mallory would like to make to the public document, on top of its real state. */
function forgedPublicUpdate(current: Y.Doc): Uint8Array {
  const forged = new Y.Doc()
  Y.applyUpdate(forged, Y.encodeStateAsUpdate(current))
  const before = Y.encodeStateVector(forged)
  const pub = new PublicDoc(forged)
  pub.setMeta({ title: `${FORGED}: title` })
  pub.setSettings({ preModeration: true })
  pub.updateQuestion(questionId, { votes: 999, text: `${FORGED}: text` })
  pub.putReply({
    id: 'forgedreply1',
    questionId,
    text: `${FORGED}: reply`,
    authorId: session.hostUserId,
    authorName: 'Host',
    authorRole: 'host',
    createdAt: Date.now(),
    hidden: false,
  })
  return Y.encodeStateAsUpdate(forged, before)
}

function forgedModUpdate(): Uint8Array {
  const doc = new Y.Doc()
  const mod = new ModDoc(doc)
  mod.enqueue({
    id: 'forgeditem01',
    kind: 'question',
    questionId: null,
    text: `${FORGED}: queued`,
    authorId: bob.userId,
    authorName: 'Bob',
    createdAt: Date.now(),
    decision: { action: 'approve', by: session.hostUserId, byName: 'Host', at: Date.now() },
  })
  mod.setNote(questionId, `${FORGED}: note`)
  return Y.encodeStateAsUpdate(doc)
}

function forgedOutboxUpdate(): Uint8Array {
  const doc = new Y.Doc()
  const outbox = new OutboxDoc(doc)
  outbox.ask(`${FORGED}: Bob asks this`)
  outbox.vote(questionId, false)
  return Y.encodeStateAsUpdate(doc)
}

describe('an attendee with a raw socket', () => {
  it('ING-GATE-4: cannot write the public document it may only read', async () => {
    const { public: pub } = names()
    const r = await attacker()
    expect(await r.authenticate(pub, mallory.token)).toBe('readonly')
    const current = await r.pull(pub)
    const update = forgedPublicUpdate(current)
    // The forgery is real: applied to a copy it would change what everyone sees.
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(current))
    Y.applyUpdate(copy, update)
    expect(forgedIn({ public: copy }).length).toBeGreaterThanOrEqual(5)

    const before = r.received.length
    r.send(frame.syncStep2(pub, update))
    r.send(frame.update(pub, update))
    r.send(frame.syncStep2(`${pub}\0another-session-key`, update))
    await waitFor(
      () => r.received.slice(before).filter((m) => m.kind === 'sync-status').length >= 3,
      5000,
      'three sync-status answers',
    )
    const statuses = r.received.slice(before).filter((m) => m.kind === 'sync-status')
    expect(statuses.every((m) => m.kind === 'sync-status' && !m.applied)).toBe(true)
    expect(r.isOpen).toBe(true)
  })

  it('is refused the moderators’ document and other users’ outboxes, and what it sends there goes nowhere', async () => {
    const { mod, bobOutbox, malloryOutbox } = names()
    const r = await attacker()
    expect(await r.authenticate(mod, mallory.token)).toBe('denied:forbidden')
    expect(await r.authenticate(bobOutbox, mallory.token)).toBe('denied:forbidden')
    // Frames sent anyway, before and after asking again, and routed through a document it
    // does hold (its own outbox) with the other name after the separator.
    r.send(frame.syncStep2(mod, forgedModUpdate()))
    r.send(frame.update(mod, forgedModUpdate()))
    r.send(frame.update(bobOutbox, forgedOutboxUpdate()))
    expect(await r.authenticate(malloryOutbox, mallory.token)).toBe('read-write')
    r.send(frame.update(`${bobOutbox}\0${malloryOutbox}`, forgedOutboxUpdate()))
    r.send(frame.update(`${mod}\0x`, forgedModUpdate()))
    expect(await r.authenticate(mod, mallory.token)).toBe('denied:forbidden')
    // A token for another session does not open this one either.
    const other = await createSession(server.url, { title: 'Elsewhere' })
    const outsider = await joinSession(server.url, other.code, 'Outsider')
    expect(await r.authenticate(names().public, outsider.token)).toBe('denied:forbidden')
    expect(await r.authenticate(names().public, `${mallory.token}x`)).toBe('denied:token-invalid')
  })

  it('ING-GATE-3: is refused a document for a missing, forged or expired token, an unknown name, a role without access or a session that is gone', async () => {
    const { public: pub, mod, malloryOutbox } = names()
    const token = (secret: string, ttl: number, sid = session.id) =>
      signToken(
        secret,
        { typ: 'access', sub: mallory.userId, sid, role: 'attendee', name: 'Mallory' },
        ttl,
      )
    const r = await attacker()
    const refusals: Array<[string, string, string]> = [
      [pub, '', 'denied:token-invalid'],
      [pub, await token('another-secret-another-secret-another-1', 3600), 'denied:token-invalid'],
      [pub, await token(SECRET, -10), 'denied:token-expired'],
      [`session/${session.id}/admin`, mallory.token, 'denied:unknown-document'],
      [mod, mallory.token, 'denied:forbidden'],
      [
        documentName.public('sessionGone01'),
        await token(SECRET, 3600, 'sessionGone01'),
        'denied:session-not-found',
      ],
    ]
    for (const [name, bearer, answer] of refusals) {
      expect(await r.authenticate(name, bearer), `${name} ${answer}`).toBe(answer)
      r.send(frame.update(name, forgedOutboxUpdate()))
    }
    // The same socket, with a good token, is let in: only those documents were refused.
    expect(await r.authenticate(malloryOutbox, mallory.token)).toBe('read-write')
    expect(await r.authenticate(pub, await token(SECRET, 3600))).toBe('readonly')
    expect(
      [...server.podium.services.hocuspocus.documents.keys()].some((n) => n.includes('Gone')),
    ).toBe(false)
  })

  it('is refused documents that do not exist', async () => {
    const r = await attacker()
    for (const name of [
      `session/${session.id}/admin`,
      `session/${session.id}/user/${mallory.userId}/extra`,
      'session/../etc/passwd',
      'other/document',
      '',
    ]) {
      expect(await r.authenticate(name, mallory.token), name).toBe('denied:unknown-document')
      r.send(frame.update(name, forgedOutboxUpdate()))
    }
    expect(
      [...server.podium.services.hocuspocus.documents.keys()].some((n) => n.includes('admin')),
    ).toBe(false)
  })

  it('ING-GATE-8: has no awareness on shared documents, and cannot pass itself off as someone else in its own', async () => {
    const { public: pub, malloryOutbox } = names()
    const r = await attacker()
    expect(await r.authenticate(pub, mallory.token)).toBe('readonly')
    expect(await r.authenticate(malloryOutbox, mallory.token)).toBe('read-write')
    const spoof = {
      user: { id: session.hostUserId, name: 'Host', role: 'host' },
      name: 'Host',
    }
    r.send(frame.awareness(pub, awarenessUpdate(777_001, spoof)))
    r.send(frame.awareness(malloryOutbox, awarenessUpdate(777_002, spoof)))

    const tab = malloryTab.provider('outbox').awareness!
    await waitFor(() => tab.getStates().has(777_002), 5000, 'awareness reaches the other tab')
    expect(tab.getStates().get(777_002)?.user).toEqual({
      id: mallory.userId,
      name: 'Mallory',
      role: 'attendee',
    })
    // On the shared document an attendee has no awareness at all.
    expect(host.provider('public').awareness!.getStates().has(777_001)).toBe(false)
    expect(bobClient.provider('public').awareness!.getStates().has(777_001)).toBe(false)
  })

  it('ING-GATE-1: has a frame larger than MAX_FRAME_BYTES close its socket with 1009', async () => {
    const { malloryOutbox } = names()
    const r = await attacker()
    expect(await r.authenticate(malloryOutbox, mallory.token)).toBe('read-write')
    const doc = new Y.Doc()
    new OutboxDoc(doc).ask(`${FORGED}: ${'x'.repeat(MAX_FRAME_BYTES)}`)
    r.send(frame.update(malloryOutbox, Y.encodeStateAsUpdate(doc)))
    expect((await r.waitClosed()).code).toBe(1009)
  })

  it('has random bytes and truncated frames close its socket without harm', async () => {
    const { public: pub, malloryOutbox } = names()
    const random = new Random(20_240_601)
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => random.int(256))
    const reader = await attacker()
    await reader.authenticate(pub, mallory.token)
    const update = forgedPublicUpdate(await reader.pull(pub))
    const cases: Array<[string, Uint8Array, boolean]> = [
      ['truncated update to the public document', frame.update(pub, update).slice(0, 40), true],
      ['truncated sync step 2', frame.syncStep2(pub, update).slice(0, -3), true],
    ]
    for (let i = 0; i < 12; i++)
      cases.push([`random bytes #${i}`, bytes(1 + random.int(300)), false])
    for (let i = 0; i < 12; i++)
      cases.push([
        `random update #${i}`,
        frame.update(malloryOutbox, bytes(1 + random.int(200))),
        true,
      ])
    let closes = 0
    for (const [what, data, authenticate] of cases) {
      const r = await attacker()
      if (authenticate) {
        await r.authenticate(pub, mallory.token)
        await r.authenticate(malloryOutbox, mallory.token)
      }
      r.send(data)
      const closed = await r.waitClosed(3000).catch(() => null)
      // Random bytes may, rarely, form a frame that decodes; those must still change nothing.
      if (closed) expect(closed.code, what).toBe(CloseCode.badFrame)
      closes += closed ? 1 : 0
    }
    expect(closes).toBeGreaterThan(cases.length / 2)
  })

  it('changed nothing anyone can see, and honest clients carry on', async () => {
    const { public: pub, mod, bobOutbox } = names()
    const docs = server.podium.services.hocuspocus.documents
    expect(
      forgedIn({ public: docs.get(pub), mod: docs.get(mod), bobOutbox: docs.get(bobOutbox) }),
    ).toEqual([])
    expect(
      forgedIn({ public: host.provider('public').document, mod: host.provider('mod').document }),
    ).toEqual([])
    expect(
      forgedIn({
        public: bobClient.provider('public').document,
        bobOutbox: bobClient.provider('outbox').document,
      }),
    ).toEqual([])
    expect(new PublicDoc(bobClient.provider('public').document).replies()).toEqual([])

    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    const next = bobClient.outbox.ask('Is the server still fine?')
    await waitFor(
      () => host.public.hasQuestion(next.questionId),
      5000,
      'honest question after the attack',
    )
    const note = 'Honest moderator note'
    host.mod.setNote(questionId, note)
    await waitFor(
      () => docs.get(mod) !== undefined && new ModDoc(docs.get(mod)!).note(questionId) === note,
      5000,
      'moderator note stored',
    )
  })

  it('left nothing in storage: a restarted server loads the honest state', async () => {
    const { public: pub, mod, bobOutbox } = names()
    for (const c of [host, bobClient, malloryTab]) c.destroy()
    for (const r of raws) r.close()
    await server.close()
    server = await start()
    const read = (name: string) =>
      server.podium.services.docs.read(name, (doc) => {
        const copy = new Y.Doc()
        Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
        return copy
      })
    const stored = {
      public: await read(pub),
      mod: await read(mod),
      bobOutbox: await read(bobOutbox),
    }
    expect(forgedIn(stored)).toEqual([])
    expect(new PublicDoc(stored.public).questions()).toHaveLength(2)
    expect(new ModDoc(stored.mod).note(questionId)).toBe('Honest moderator note')
  })
})
