import {
  answerPoll,
  documentName,
  HandsDoc,
  ModPolls,
  newPoll,
  PublicPolls,
  ReactionsDoc,
  type SessionExport,
  SessionExport as SessionExportSchema,
  setHand,
} from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { createSession, join, TestClient, waitFor } from './helpers/clients.ts'
import { react } from './helpers/reactions-suite.ts'

// Reactions and raised hands in the session export, and back from an import: the reactions'
// windows and totals (from the table), the moderators' queue of hands with who was called.

let server: TestPodium
const clients: TestClient[] = []
beforeAll(async () => {
  server = await startPodium()
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await server?.close()
})
const api = (path: string) => `${server.url}/api${path}`
function client(identity: { sessionId: string; userId: string; token: string }, mod = false) {
  const c = new TestClient(server.syncUrl, identity, {}, mod)
  clients.push(c)
  return c
}

describe('reactions and hands in export and import', () => {
  it('exports them, and an import brings them back in the new session', async () => {
    const session = await createSession(server.url, { title: 'Town hall' })
    const host = client(
      { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
      true,
    )
    const ann = client(await join(server.url, session.code, 'Ann'))
    const ben = client(await join(server.url, session.code, 'Ben'))
    await Promise.all([host.synced(), ann.synced(), ben.synced()])

    react(ann, 'clap')
    react(ben, 'clap')
    react(ben, 'love')
    const totals = () => new ReactionsDoc(host.provider('public').document).totals()
    await waitFor(() => totals().clap === 2 && totals().love === 1, 15_000, 'the reactions')

    const queue = () => new HandsDoc(host.provider('mod').document).queue()
    setHand(ann.provider('outbox').document, true)
    await waitFor(() => queue().length === 1, 15_000, 'Ann in the queue')
    setHand(ben.provider('outbox').document, true)
    await waitFor(() => queue().length === 2, 15_000, 'Ben in the queue')
    const called = await request(api(`/sessions/${session.id}/hands/${ann.identity.userId}/call`), {
      token: session.hostToken,
      body: {},
    })
    expect(called.status).toBe(200)
    await waitFor(() => queue().some((h) => h.calledAt !== null), 15_000, 'Ann called')

    // Reactions are stored a moment after their window closes.
    const exportOf = async (id: string, token: string) => {
      const res = await request<SessionExport>(api(`/sessions/${id}/export.json`), { token })
      expect(res.status).toBe(200)
      return res.body
    }
    let exported = await exportOf(session.id, session.hostToken)
    for (const until = Date.now() + 15_000; exported.reactions?.windows.length === 0; ) {
      if (Date.now() > until) throw new Error('the reactions were not stored')
      await new Promise((r) => setTimeout(r, 50))
      exported = await exportOf(session.id, session.hostToken)
    }
    expect(exported.reactions?.totals).toEqual({ clap: 2, love: 1 })
    expect(SessionExportSchema.safeParse(exported).success).toBe(true)
    expect(exported.reactions!.windows.reduce((n, w) => n + w.total, 0)).toBe(3)
    expect(exported.hands).toEqual([
      expect.objectContaining({ userId: ben.identity.userId, name: 'Ben', calledAt: null }),
      expect.objectContaining({
        userId: ann.identity.userId,
        name: 'Ann',
        calledBy: session.hostUserId,
        calledAt: expect.any(Number),
      }),
    ])

    const imported = await request<{ id: string; hostToken: string; hostUserId: string }>(
      api('/sessions/import'),
      { body: exported },
    )
    expect(imported.status).toBe(201)
    const { id, hostToken, hostUserId } = imported.body
    const again = await exportOf(id, hostToken)
    expect(again.reactions).toEqual(exported.reactions)
    // The same queue, in the same order, under new ids.
    expect(again.hands!.map((h) => [h.name, h.raisedAt, h.calledAt])).toEqual(
      exported.hands!.map((h) => [h.name, h.raisedAt, h.calledAt]),
    )
    const oldIds = new Set(exported.hands!.map((h) => h.userId))
    for (const h of again.hands!) expect(oldIds.has(h.userId)).toBe(false)
    expect(again.hands![1]!.calledBy).not.toBe(session.hostUserId)
    // The room and the projector show the imported totals.
    const newHost = client({ sessionId: id, userId: hostUserId, token: hostToken }, true)
    await newHost.synced()
    expect(new ReactionsDoc(newHost.provider('public').document).totals()).toEqual({
      clap: 2,
      love: 1,
    })
    expect(
      await server.podium.services.docs.read(documentName.mod(id), (doc) =>
        new HandsDoc(doc).queue().map((h) => h.name),
      ),
    ).toEqual(['Ben', 'Ann'])
  })

  it('imports the polls as drafts, with a quiz question’s right options, under new ids', async () => {
    const session = await createSession(server.url, { title: 'Polls to reuse' })
    const host = client(
      { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
      true,
    )
    const ann = client(await join(server.url, session.code, 'Ann'))
    await Promise.all([host.synced(), ann.synced()])
    const polls = (c: TestClient) => new PublicPolls(c.provider('public').document)
    const lunch = newPoll({ kind: 'single', question: 'Lunch?', options: ['Pizza', 'Salad'] })
    const quizId = 'quiz-import-1'
    const capital = newPoll({
      kind: 'quiz',
      question: 'Capital of France?',
      options: ['Lyon', 'Paris'],
      quizId,
    })
    polls(host).putPoll(lunch)
    polls(host).putPoll(capital)
    new ModPolls(host.provider('mod').document).setCorrect(capital.id, [1])
    polls(host).updatePoll(lunch.id, { status: 'open' })
    polls(host).updatePoll(capital.id, { status: 'open' })
    await waitFor(() => polls(ann).results(lunch.id).openedAt !== null, 15_000, 'opened')
    answerPoll(ann.provider('outbox').document, lunch.id, { choices: [0] })
    await waitFor(() => polls(host).results(lunch.id).total === 1, 15_000, 'an answer')
    polls(host).updatePoll(capital.id, { status: 'closed' })
    await waitFor(
      () => polls(host).results(capital.id).correct?.join() === '1',
      15_000,
      'the quiz closed',
    )
    const exported = await request<SessionExport>(api(`/sessions/${session.id}/export.json`), {
      token: session.hostToken,
    })
    const imported = await request<{ id: string; hostToken: string; hostUserId: string }>(
      api('/sessions/import'),
      { body: exported.body },
    )
    expect(imported.status).toBe(201)
    const { id } = imported.body
    const shown = await server.podium.services.docs.read(documentName.public(id), (doc) => {
      const p = new PublicPolls(doc)
      return p.polls().map((poll) => ({ poll, results: p.results(poll.id) }))
    })
    expect(shown.map(({ poll }) => [poll.question, poll.status, poll.options])).toEqual(
      expect.arrayContaining([
        ['Lunch?', 'draft', ['Pizza', 'Salad']],
        ['Capital of France?', 'draft', ['Lyon', 'Paris']],
      ]),
    )
    for (const { poll, results } of shown) {
      expect([lunch.id, capital.id]).not.toContain(poll.id)
      expect(results.total).toBe(0)
    }
    const quiz = shown.find(({ poll }) => poll.kind === 'quiz')!.poll
    expect(quiz.quizId).not.toBe(quizId)
    expect(quiz.quizId).not.toBeNull()
    expect(
      await server.podium.services.docs.read(documentName.mod(id), (doc) =>
        new ModPolls(doc).secret(quiz.id),
      ),
    ).toMatchObject({ correct: [1] })
  })

  it('reads an export made before reactions and hands, and refuses bad ones', async () => {
    const session = await createSession(server.url, { title: 'Older export' })
    const exported = await request<SessionExport>(api(`/sessions/${session.id}/export.json`), {
      token: session.hostToken,
    })
    const { reactions: _r, hands: _h, ...older } = exported.body
    const imported = await request(api('/sessions/import'), { body: older })
    expect(imported.status).toBe(201)

    const bad = await request<{ status: number; detail: string }>(api('/sessions/import'), {
      body: { ...exported.body, reactions: { totals: { shrug: 3 }, windows: [] } },
    })
    expect(bad.status).toBe(400)
    expect(bad.headers.get('content-type')).toContain('application/problem+json')
    expect(bad.body.detail).toMatch(/reactions/)
    const badHand = await request<{ status: number; detail: string }>(api('/sessions/import'), {
      body: { ...exported.body, hands: [{ userId: '', name: null, raisedAt: 1 }] },
    })
    expect(badHand.status).toBe(400)
    expect(badHand.body.detail).toMatch(/hands/)
  })
})
