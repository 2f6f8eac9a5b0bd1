import {
  type AuditEntry,
  documentName,
  ModDoc,
  PublicDoc,
  type SessionExport,
  type SessionInfo,
  WriteRefused,
} from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import {
  acceptedInvite,
  auditLog,
  createSession,
  type Joined,
  join,
  TestClient,
  waitFor,
} from './helpers/clients.ts'
import { frame, RawClient } from './helpers/raw-client.ts'

/**
 * Staff connections write the public and moderators' documents directly, but what the
 * permission table gives to the host or the server only (FIELD_WRITERS) is held to it
 * there too: the server undoes the change, tells the writer, and the audit log, which
 * only the server writes, records who tried.
 */

let server: TestPodium
let session: Awaited<ReturnType<typeof createSession>>
type Staff = Awaited<ReturnType<typeof acceptedInvite>>
let presenter: Staff
let moderator: Staff
let attendee: Joined
let host: TestClient
let questionId: string
const raws: RawClient[] = []
const clients: TestClient[] = []

const hostAuth = () => ({ id: session.id, token: session.hostToken })

async function raw(document: string, token: string): Promise<{ r: RawClient; doc: Y.Doc }> {
  const r = await RawClient.open(server.syncUrl)
  raws.push(r)
  expect(await r.authenticate(document, token)).toBe('read-write')
  return { r, doc: await r.pull(document) }
}

/** What `change` does to a copy of `current`, as one update on top of it. */
function updateOn(current: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(current))
  const before = Y.encodeStateVector(copy)
  change(copy)
  return Y.encodeStateAsUpdate(copy, before)
}

function serverDoc(name: string): Y.Doc {
  const doc = server.podium.services.hocuspocus.documents.get(name)
  if (!doc) throw new Error(`${name} is not loaded`)
  return doc
}

beforeAll(async () => {
  server = await startPodium()
  session = await createSession(server.url, { title: 'Guarded' })
  presenter = await acceptedInvite(server.url, session, 'presenter', 'Pat')
  moderator = await acceptedInvite(server.url, session, 'moderator', 'Mo')
  attendee = await join(server.url, session.code, 'Ann')
  const live = await request(`${server.url}/api/sessions/${session.id}/status`, {
    token: session.hostToken,
    body: { status: 'live' },
  })
  expect(live.status).toBe(200)
  host = new TestClient(
    server.syncUrl,
    { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
    {},
    true,
  )
  const ann = new TestClient(server.syncUrl, attendee)
  clients.push(host, ann)
  await Promise.all([host.synced(), ann.synced()])
  questionId = ann.outbox.ask('Will the slides be shared?').questionId
  await waitFor(() => host.public.hasQuestion(questionId), 5000, 'question published')
})

afterAll(async () => {
  for (const r of raws) r.close()
  for (const c of clients) c.destroy()
  await server?.close()
})

describe('fields reserved to the host or the server', () => {
  it('[F1] undoes a presenter’s raw write of the status and settings, says so, and the API still says live', async () => {
    const pub = documentName.public(session.id)
    const { r, doc } = await raw(pub, presenter.token)
    const before = r.received.length
    r.send(
      frame.update(
        pub,
        updateOn(doc, (copy) => {
          const p = new PublicDoc(copy)
          p.setMeta({ status: 'ended' })
          p.setSettings({ preModeration: true, qaOpen: false })
          // Allowed to a presenter, in the same update: it stands.
          p.setStage({ currentItemId: 'agenda-item-1' })
        }),
      ),
    )
    await waitFor(
      () => r.received.slice(before).some((m) => m.kind === 'stateless'),
      5000,
      'the refusal notice',
    )
    const notice = r.received.slice(before).find((m) => m.kind === 'stateless')
    const parsed = WriteRefused.parse(JSON.parse((notice as { payload: string }).payload))
    expect(parsed.paths.sort()).toEqual([
      'meta.status',
      'settings.preModeration',
      'settings.qaOpen',
    ])

    const live = new PublicDoc(serverDoc(pub))
    expect(live.meta().status).toBe('live')
    expect(live.settings()).toMatchObject({ preModeration: false, qaOpen: true })
    expect(live.stage().currentItemId).toBe('agenda-item-1')
    // Every replica, the writer's own included, ends with the server's values.
    await waitFor(() => new PublicDoc(r.replica(pub)).meta().status === 'live', 5000, 'writer')
    await waitFor(() => host.public.meta().status === 'live', 5000, 'host')
    expect(host.public.settings().preModeration).toBe(false)

    const info = await request<SessionInfo>(`${server.url}/api/sessions/${session.id}`, {
      token: presenter.token,
    })
    expect(info.body.status).toBe('live')
    expect(info.body.settings).toMatchObject({ preModeration: false, qaOpen: true })

    const audit = await auditLog(server.url, hostAuth(), (entries) =>
      entries.some((e) => e.action === 'refused-change'),
    )
    expect(audit.find((e) => e.action === 'refused-change')).toMatchObject({
      actorId: presenter.userId,
      actorRole: 'presenter',
      detail: expect.stringContaining('meta.status'),
    })
    expect(audit.some((e) => e.action === 'status-ended')).toBe(false)
  })

  it('[F2] a refused change does not come back when the writer’s client reconnects with it', async () => {
    const pub = documentName.public(session.id)
    const local = new Y.Doc()
    const tab = new TestClient(server.syncUrl, presenter, {
      public: local,
    })
    clients.push(tab)
    await tab.synced()
    new PublicDoc(local).setMeta({ status: 'ended' })
    await waitFor(() => new PublicDoc(local).meta().status === 'live', 5000, 'undone locally')
    tab.destroy()
    // The same local state syncs again: the server has the change already, and its undo.
    const again = new TestClient(server.syncUrl, presenter, {
      public: local,
    })
    clients.push(again)
    await again.synced()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(new PublicDoc(serverDoc(pub)).meta().status).toBe('live')
    expect(new PublicDoc(local).meta().status).toBe('live')
  })

  it('[F3] undoes a moderator’s vote count, and a question it made up with votes of its own', async () => {
    const pub = documentName.public(session.id)
    const { r, doc } = await raw(pub, moderator.token)
    const before = r.received.length
    r.send(
      frame.update(
        pub,
        updateOn(doc, (copy) => {
          const p = new PublicDoc(copy)
          p.updateQuestion(questionId, { votes: 999, pinned: true })
          p.putQuestion({
            id: 'madeup0001',
            text: 'A question nobody asked',
            authorId: attendee.userId,
            authorName: 'Ann',
            createdAt: Date.now(),
            editedAt: null,
            status: 'published',
            pinned: false,
            pinnedAt: null,
            answered: false,
            answeredAt: null,
            votes: 50,
            labels: [],
          })
        }),
      ),
    )
    await waitFor(
      () => r.received.slice(before).some((m) => m.kind === 'stateless'),
      5000,
      'the refusal notice',
    )
    const live = new PublicDoc(serverDoc(pub))
    expect(live.question(questionId)).toMatchObject({
      votes: 0,
      // What a moderator may do stands.
      pinned: true,
    })
    expect(live.hasQuestion('madeup0001')).toBe(false)
    await waitFor(() => !host.public.hasQuestion('madeup0001'), 5000, 'host converges')
    expect(host.public.question(questionId)?.votes).toBe(0)
    const notice = r.received.slice(before).find((m) => m.kind === 'stateless')
    expect(JSON.parse((notice as { payload: string }).payload).paths.sort()).toEqual(
      ['questions.madeup0001', `questions.${questionId}.votes`].sort(),
    )
  })

  it('[F5] undoes a moderator’s write of the staff’s peer room, which the server sets', async () => {
    const modName = documentName.mod(session.id)
    const { r, doc } = await raw(modName, moderator.token)
    const room = new ModDoc(serverDoc(modName)).peerRoom()
    expect(room).toMatch(/^podium-/)
    const before = r.received.length
    r.send(
      frame.update(
        modName,
        updateOn(doc, (copy) => new ModDoc(copy).setPeerRoom('podium-elsewhere')),
      ),
    )
    await waitFor(
      () => r.received.slice(before).some((m) => m.kind === 'stateless'),
      5000,
      'the refusal notice',
    )
    const notice = r.received.slice(before).find((m) => m.kind === 'stateless')
    expect(JSON.parse((notice as { payload: string }).payload).paths).toEqual(['peer.room'])
    expect(new ModDoc(serverDoc(modName)).peerRoom()).toBe(room)
    await waitFor(() => new ModDoc(r.replica(modName)).peerRoom() === room, 5000, 'writer')
  })

  it('[F4] lets the host change what the table gives the host', async () => {
    host.public.setSettings({ anonymousQuestions: false })
    await waitFor(
      () =>
        new PublicDoc(serverDoc(documentName.public(session.id))).settings().anonymousQuestions ===
        false,
      5000,
      'host setting applied',
    )
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(host.public.settings().anonymousQuestions).toBe(false)
    const audit = await auditLog(server.url, hostAuth(), (entries) =>
      entries.some((e) => e.action === 'change-settings' && e.actorId === session.hostUserId),
    )
    expect(
      audit.filter((e) => e.action === 'refused-change' && e.actorId === session.hostUserId),
    ).toEqual([])
  })
})

describe('the audit log', () => {
  it('ING-AUDIT-1: is the server’s: a moderator who rewrites the old array changes neither the route nor the export', async () => {
    const truth = await auditLog(server.url, hostAuth(), (entries) => entries.length >= 3)
    const modName = documentName.mod(session.id)
    const { r, doc } = await raw(modName, moderator.token)
    const forged: AuditEntry = {
      at: Date.now(),
      actorId: session.hostUserId,
      actorName: 'Host',
      action: 'status-ended',
      targetId: null,
    }
    const before = r.received.length
    r.send(
      frame.update(
        modName,
        updateOn(doc, (copy) => {
          const audit = copy.getArray<AuditEntry>('audit')
          audit.delete(0, audit.length)
          audit.push([forged])
        }),
      ),
    )
    await waitFor(
      () => r.received.slice(before).some((m) => m.kind === 'sync-status'),
      5000,
      'the update answered',
    )
    const after = await auditLog(server.url, hostAuth())
    expect(after.slice(0, truth.length)).toEqual(truth)
    expect(after.some((e) => e.actorName === 'Host' && e.action === 'status-ended')).toBe(false)
    const exported = await request<SessionExport>(
      `${server.url}/api/sessions/${session.id}/export.json`,
      { token: session.hostToken },
    )
    expect(exported.status).toBe(200)
    expect(exported.body.mod.audit.slice(0, truth.length)).toEqual(truth)
    expect(exported.body.mod.audit).not.toContainEqual(forged)
  })

  it('ING-AUDIT-2: names the connection that delivered a timer command or a decision, not what it wrote', async () => {
    const pub = documentName.public(session.id)
    const { r, doc } = await raw(pub, moderator.token)
    r.send(
      frame.update(
        pub,
        updateOn(doc, (copy) =>
          new PublicDoc(copy).requestTimer({
            id: 'timer-cmd-1',
            action: 'start',
            durationMs: 60_000,
            by: session.hostUserId,
          }),
        ),
      ),
    )
    // A question held for review, decided by the moderator in the host's name.
    await request(`${server.url}/api/sessions/${session.id}/settings`, {
      method: 'PATCH',
      token: session.hostToken,
      body: { preModeration: true },
    })
    const ann = new TestClient(server.syncUrl, attendee)
    clients.push(ann)
    await ann.synced()
    const held = ann.outbox.ask('Held for the moderators').questionId
    await waitFor(() => host.mod.pending(held) !== undefined, 5000, 'queued')
    const modName = documentName.mod(session.id)
    const mod = await raw(modName, moderator.token)
    mod.r.send(
      frame.update(
        modName,
        updateOn(mod.doc, (copy) =>
          new ModDoc(copy).decide(held, {
            action: 'approve',
            by: session.hostUserId,
            byName: 'Host',
            at: Date.now(),
          }),
        ),
      ),
    )
    const audit = await auditLog(server.url, hostAuth(), (entries) =>
      ['timer-start', 'approve-question'].every((a) => entries.some((e) => e.action === a)),
    )
    for (const action of ['timer-start', 'approve-question']) {
      expect(
        audit.find((e) => e.action === action),
        action,
      ).toMatchObject({
        actorId: moderator.userId,
        actorName: 'Mo',
        actorRole: 'moderator',
      })
    }
  })

  it('[A3] is read by the host and moderators only', async () => {
    const path = `${server.url}/api/sessions/${session.id}/audit`
    expect((await request(path, { token: moderator.token })).status).toBe(200)
    expect((await request(path, { token: presenter.token })).status).toBe(403)
    expect((await request(path, { token: attendee.token })).status).toBe(403)
    const bad = await request<{ detail: string }>(`${path}?limit=0`, { token: session.hostToken })
    expect(bad.status).toBe(400)
    expect(bad.body.detail).toMatch(/limit/)
    const two = await request<{ entries: AuditEntry[] }>(`${path}?limit=2`, {
      token: session.hostToken,
    })
    const all = await auditLog(server.url, hostAuth())
    expect(two.body.entries).toEqual(all.slice(-2))
  })
})
