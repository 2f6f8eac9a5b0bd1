import { afterAll, beforeAll, expect, it } from 'vitest'
import type { TestPodium } from '../../../test-support/podium.ts'
import { auditLog, createSession, join, TestClient, waitFor } from './clients.ts'

/**
 * The Q&A flow through outboxes, as tests registered in the caller's `describe`, against
 * whatever server `start` gives (SQLite by default, Postgres in the contract suite).
 */
export function qaFlowSuite(start: () => Promise<TestPodium>): void {
  let server: TestPodium
  const clients: TestClient[] = []
  beforeAll(async () => {
    server = await start()
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server?.close()
  })

  function client(identity: { sessionId: string; userId: string; token: string }, withMod = false) {
    const c = new TestClient(server.syncUrl, identity, {}, withMod)
    clients.push(c)
    return c
  }

  it('publishes a question, counts votes once per user, and receipts every entry', async () => {
    const session = await createSession(server.url)
    const host = client(
      { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
      true,
    )
    const alice = client(await join(server.url, session.code, 'Alice'))
    const bob = client(await join(server.url, session.code, 'Bob'))
    await Promise.all([host.synced(), alice.synced(), bob.synced()])
    expect(alice.public.meta().title).toBe('Test session')

    const { questionId } = alice.outbox.ask('What is local-first?')
    await waitFor(() => bob.public.hasQuestion(questionId), 15000, 'question reaches Bob')
    expect(bob.public.question(questionId)).toMatchObject({
      text: 'What is local-first?',
      authorName: 'Alice',
      votes: 0,
    })
    await waitFor(() => alice.outbox.receipt(questionId)?.status === 'accepted', 15000, 'receipt')

    bob.outbox.vote(questionId, true)
    bob.outbox.vote(questionId, true)
    alice.outbox.vote(questionId, true)
    await waitFor(() => host.public.question(questionId)?.votes === 2, 15000, 'two votes')
    bob.outbox.vote(questionId, false)
    await waitFor(() => alice.public.question(questionId)?.votes === 1, 15000, 'unvote')
    expect(bob.outbox.unsynced()).toHaveLength(0)
  })

  it('refuses what the settings forbid, with a reason in the receipt', async () => {
    const session = await createSession(server.url, {
      title: 'Strict',
      settings: { anonymousQuestions: false, maxQuestionLength: 20 },
    })
    const carol = client(await join(server.url, session.code, 'Carol'))
    await carol.synced()
    const long = carol.outbox.ask('x'.repeat(21))
    const anon = carol.outbox.ask('short', true)
    await waitFor(() => carol.outbox.unsynced().length === 0, 15000, 'receipts')
    expect(carol.outbox.receipt(long.entryId)).toMatchObject({
      status: 'rejected',
      reason: 'too-long',
    })
    expect(carol.outbox.receipt(anon.entryId)).toMatchObject({
      status: 'rejected',
      reason: 'anonymous-not-allowed',
    })
    expect(carol.public.questions()).toHaveLength(0)
  })

  it('holds questions for review under pre-moderation; the rejection reason reaches the author only', async () => {
    const session = await createSession(server.url, {
      title: 'Moderated',
      settings: { preModeration: true },
    })
    const host = client(
      { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
      true,
    )
    const dave = client(await join(server.url, session.code, 'Dave'))
    const erin = client(await join(server.url, session.code, 'Erin'))
    await Promise.all([host.synced(), dave.synced(), erin.synced()])

    const good = dave.outbox.ask('A fair question')
    const bad = dave.outbox.ask('Something rude')
    await waitFor(() => host.mod.queue().length === 2, 15000, 'queue')
    expect(dave.outbox.receipt(good.entryId)?.status).toBe('pending')
    expect(erin.public.questions()).toHaveLength(0)

    const decision = { by: session.hostUserId, byName: null, at: Date.now() }
    host.mod.decide(good.questionId, { action: 'approve', ...decision })
    host.mod.decide(bad.questionId, { action: 'reject', reason: 'Off topic', ...decision })
    await waitFor(
      () => erin.public.hasQuestion(good.questionId),
      5000,
      'approved question published',
    )
    await waitFor(
      () => dave.outbox.receipt(bad.entryId)?.status === 'rejected',
      5000,
      'rejection receipt',
    )
    expect(dave.outbox.receipt(bad.entryId)).toMatchObject({
      reason: 'moderator-rejected',
      detail: 'Off topic',
    })
    expect(dave.outbox.receipt(good.entryId)?.status).toBe('accepted')
    expect(erin.public.hasQuestion(bad.questionId)).toBe(false)
    expect(host.mod.queue()).toHaveLength(0)
    expect(host.mod.rejected().map((r) => r.id)).toEqual([bad.questionId])
    const audit = await auditLog(
      server.url,
      { id: session.id, token: session.hostToken },
      (entries) => entries.some((a) => a.action === 'reject-question'),
      15000,
    )
    expect(audit.find((a) => a.action === 'approve-question')).toMatchObject({
      actorId: session.hostUserId,
      targetId: good.questionId,
    })
  })
}
