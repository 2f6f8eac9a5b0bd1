import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import { documentName } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { createSession, join, TestClient, waitFor } from './helpers/clients.ts'

/**
 * What is posted anonymously names nobody in any document attendees read, nor in an
 * export: no author id that the same person's named questions and replies carry. The
 * server alone keeps who wrote it, so the author can still edit and withdraw it.
 */

const dataDir = mkdtempSync(joinPath(tmpdir(), 'podium-anonymous-'))
let server: TestPodium
const clients: TestClient[] = []

const start = () => startPodium({}, { dataDir })
beforeAll(async () => {
  server = await start()
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await server.close()
  rmSync(dataDir, { recursive: true, force: true })
})

async function connect(
  identity: { sessionId: string; userId: string; token: string },
  withMod = false,
): Promise<TestClient> {
  const client = new TestClient(server.syncUrl, identity, {}, withMod)
  clients.push(client)
  await client.synced()
  return client
}

async function room(settings: Record<string, unknown> = {}) {
  const session = await createSession(server.url, {
    title: 'Town hall',
    settings: { anonymousQuestions: true, ...settings },
  })
  const host = await connect(
    { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
    true,
  )
  const carol = await connect(await join(server.url, session.code, 'Carol'))
  const dave = await connect(await join(server.url, session.code, 'Dave'))
  return { session, host, carol, dave }
}

describe('an anonymous question', () => {
  it('cannot be linked to its author’s named reply through the public document', async () => {
    const { carol, dave } = await room()
    const { questionId } = carol.outbox.ask('Are layoffs planned?', true)
    const { questionId: named } = dave.outbox.ask('When is the offsite?')
    await waitFor(() => dave.public.hasQuestion(questionId), 5000, 'anonymous question')
    await waitFor(() => dave.public.hasQuestion(named), 5000, 'named question')
    carol.outbox.reply(named, 'In June, I heard')
    const anonymousReply = carol.outbox.reply(named, 'Anonymously: September', true)
    await waitFor(() => dave.public.replies(named).length === 2, 5000, 'both replies')

    // Dave's copy, as he syncs it: the named reply carries Carol's id...
    const replies = dave.public.replies(named)
    expect(replies.find((r) => r.authorName === 'Carol')?.authorId).toBe(carol.identity.userId)
    // ...and nothing anonymous does, in what the accessors read or in the raw values.
    expect(dave.public.question(questionId)).toMatchObject({ authorId: null, authorName: null })
    expect(replies.find((r) => r.id === anonymousReply)).toMatchObject({
      authorId: null,
      authorName: null,
    })
    const questions = dave.provider('public').document.getMap('questions')
    expect(JSON.stringify(questions.get(questionId))).not.toContain(carol.identity.userId)
    const rawReplies = dave.provider('public').document.getMap('replies')
    expect(JSON.stringify(rawReplies.get(anonymousReply))).not.toContain(carol.identity.userId)
  })

  it('is still its author’s to edit and withdraw, and nobody else’s', async () => {
    const { host, carol, dave } = await room()
    const { questionId } = carol.outbox.ask('Who decides the budget?', true)
    await waitFor(() => host.public.hasQuestion(questionId), 5000, 'published')
    expect(carol.outbox.askedQuestions().has(questionId)).toBe(true)
    expect(dave.outbox.askedQuestions().has(questionId)).toBe(false)

    const daves = dave.outbox.edit(questionId, 'Dave was here')
    await waitFor(() => dave.outbox.receipt(daves) !== undefined, 5000, "Dave's edit receipted")
    expect(dave.outbox.receipt(daves)).toMatchObject({ status: 'rejected', reason: 'not-yours' })

    const edit = carol.outbox.edit(questionId, 'Who decides the budget, and when?')
    await waitFor(() => carol.outbox.receipt(edit)?.status === 'accepted', 5000, 'edit accepted')
    await waitFor(
      () => host.public.question(questionId)?.text === 'Who decides the budget, and when?',
      5000,
      'edit published',
    )
    expect(host.public.question(questionId)?.authorId).toBeNull()
    const withdrawal = carol.outbox.withdraw(questionId)
    await waitFor(() => carol.outbox.receipt(withdrawal)?.status === 'accepted', 5000, 'withdrawn')
    expect(host.public.hasQuestion(questionId)).toBe(false)
  })

  it('waits for review without its author in the moderators’ document, and the author hears the outcome', async () => {
    const { host, carol } = await room({ preModeration: true })
    const { questionId } = carol.outbox.ask('Queued anonymously', true)
    const replyTo = carol.outbox.ask('Queued with my name').questionId
    await waitFor(() => host.mod.pending(questionId) !== undefined, 5000, 'queued')
    expect(host.mod.pending(questionId)).toMatchObject({ authorId: null, authorName: null })
    expect(host.mod.pending(replyTo)).toMatchObject({ authorId: carol.identity.userId })
    expect(
      JSON.stringify(host.provider('mod').document.getMap('queue').get(questionId)),
    ).not.toContain(carol.identity.userId)

    host.mod.decide(questionId, {
      action: 'approve',
      by: host.identity.userId,
      byName: 'Host',
      at: Date.now(),
    })
    await waitFor(() => carol.outbox.receipt(questionId)?.status === 'accepted', 5000, 'receipt')
    expect(host.public.question(questionId)).toMatchObject({ authorId: null, authorName: null })
  })

  it('leaves no author in the JSON and CSV exports', async () => {
    const { session, host, carol } = await room()
    const { questionId } = carol.outbox.ask('Anonymous, for the export', true)
    const { questionId: named } = carol.outbox.ask('Named, for the export')
    await waitFor(() => host.public.hasQuestion(questionId), 5000, 'anonymous')
    await waitFor(() => host.public.hasQuestion(named), 5000, 'named')
    carol.outbox.reply(named, 'An anonymous reply', true)
    await waitFor(() => host.public.replies(named).length === 1, 5000, 'reply')

    const json = await request<{ public: { questions: Array<{ id: string; authorId: unknown }> } }>(
      `${server.url}/api/sessions/${session.id}/export.json`,
      { token: session.hostToken },
    )
    expect(json.status).toBe(200)
    const byId = new Map(json.body.public.questions.map((q) => [q.id, q]))
    expect(byId.get(questionId)?.authorId).toBeNull()
    expect(byId.get(named)?.authorId).toBe(carol.identity.userId)
    const exported = JSON.stringify({
      ...json.body,
      public: { ...json.body.public, questions: [] },
    })
    expect(exported).not.toContain(carol.identity.userId)
    expect(JSON.stringify(byId.get(questionId))).not.toContain(carol.identity.userId)

    const csv = await request<string>(`${server.url}/api/sessions/${session.id}/export.csv`, {
      token: session.hostToken,
    })
    expect(csv.status).toBe(200)
    expect(csv.body).not.toContain(carol.identity.userId)
    expect(csv.body).toContain('anonymous')
  })

  it('written by an older version with its author id: not in exports, and gone from the document on its next load', async () => {
    const { session, host, carol } = await room()
    const { questionId } = carol.outbox.ask('Asked before the fix', true)
    const { questionId: named } = carol.outbox.ask('Named before the fix')
    await waitFor(() => host.public.hasQuestion(questionId), 5000, 'published')
    await waitFor(() => host.public.hasQuestion(named), 5000, 'named published')
    const replyId = carol.outbox.reply(named, 'Old anonymous reply', true)
    await waitFor(() => host.public.replies(named).length === 1, 5000, 'reply')
    // What an older server wrote: the author id next to no name.
    const publicName = documentName.public(session.id)
    const userId = carol.identity.userId
    await server.podium.services.docs.change(publicName, (doc) => {
      const body = doc.getMap<Y.Map<unknown>>('questions').get(questionId)!.get('body') as unknown[]
      doc
        .getMap<Y.Map<unknown>>('questions')
        .get(questionId)!
        .set('body', [body[0], userId, null, body[3]])
      const replies = doc.getMap<Record<string, unknown>>('replies')
      replies.set(replyId, { ...replies.get(replyId)!, authorId: userId })
    })
    const json = await request<unknown>(`${server.url}/api/sessions/${session.id}/export.json`, {
      token: session.hostToken,
    })
    const exported = json.body as { public: { questions: Array<{ id: string }> } }
    const anonymous = exported.public.questions.find((q) => q.id === questionId)
    expect(anonymous).toMatchObject({ authorId: null, authorName: null })
    expect(
      JSON.stringify((json.body as { public: { replies: unknown } }).public.replies),
    ).not.toContain(userId)

    // Loaded again by a client, the document no longer stores them.
    for (const c of clients) c.destroy()
    clients.length = 0
    await server.close()
    server = await start()
    const dave = await connect(await join(server.url, session.code, 'Dave'))
    const stores = (doc: Y.Doc | undefined) =>
      doc !== undefined &&
      [doc.getMap('questions').get(questionId), doc.getMap('replies').get(replyId)].some(
        (value) => value === undefined || JSON.stringify(value).includes(userId),
      )
    await waitFor(
      () => !stores(server.podium.services.hocuspocus.documents.get(publicName)),
      5000,
      'the stored author ids taken out',
    )
    await waitFor(
      () => !stores(dave.provider('public').document),
      5000,
      'the change on the attendee’s copy',
    )
    const ydoc = await fetch(`${server.url}/api/sessions/${session.id}/export.ydoc`, {
      headers: { authorization: `Bearer ${session.hostToken}` },
    })
    const copy = new Y.Doc()
    Y.applyUpdate(copy, new Uint8Array(await ydoc.arrayBuffer()))
    expect(JSON.stringify(copy.getMap('questions').get(questionId))).not.toContain(userId)
    expect(JSON.stringify(copy.getMap('replies').get(replyId))).not.toContain(userId)
  })
})
