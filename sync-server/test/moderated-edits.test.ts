import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPodium, type TestPodium } from '../../test-support/podium.ts'
import { auditLog, createSession, join, TestClient, waitFor } from './helpers/clients.ts'

/**
 * Under pre-moderation an author's edit of a question already approved goes back to the
 * moderators, as the question did: the approved text stays on screen until a moderator
 * approves the new one, and a rejection tells the author why.
 */

let server: TestPodium
const clients: TestClient[] = []

beforeAll(async () => {
  server = await startPodium()
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await server?.close()
})

const decision = (action: 'approve' | 'reject', reason?: string) => ({
  action,
  ...(reason ? { reason } : {}),
  by: 'ignored-by-the-server',
  byName: null,
  at: Date.now(),
})

describe('edits under pre-moderation', () => {
  it('[E1] keep the approved text until a moderator approves the edit; a rejected edit tells the author', async () => {
    const session = await createSession(server.url, {
      title: 'Moderated',
      settings: { preModeration: true },
    })
    const host = new TestClient(
      server.syncUrl,
      { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
      {},
      true,
    )
    const author = new TestClient(server.syncUrl, await join(server.url, session.code, 'Ann'))
    const viewer = new TestClient(server.syncUrl, await join(server.url, session.code, 'Bob'))
    clients.push(host, author, viewer)
    await Promise.all([host.synced(), author.synced(), viewer.synced()])

    const { questionId } = author.outbox.ask('What is the budget?')
    await waitFor(() => host.mod.pending(questionId) !== undefined, 5000, 'question queued')
    host.mod.decide(questionId, decision('approve'))
    await waitFor(() => viewer.public.hasQuestion(questionId), 5000, 'question approved')

    // The edit waits for review; everyone still sees the approved text.
    const first = author.outbox.edit(questionId, 'What is the budget? (a rude word here)')
    await waitFor(() => author.outbox.receipt(first)?.status === 'pending', 5000, 'edit receipt')
    const edit = host.mod.pending(first)
    expect(edit).toMatchObject({
      kind: 'edit',
      questionId,
      text: 'What is the budget? (a rude word here)',
      authorName: 'Ann',
    })
    expect(viewer.public.question(questionId)?.text).toBe('What is the budget?')
    expect(viewer.public.question(questionId)?.editedAt).toBeNull()

    // Rejected: the author is told why, the approved text stays.
    host.mod.decide(first, decision('reject', 'Please keep it civil'))
    await waitFor(() => author.outbox.receipt(first)?.status === 'rejected', 5000, 'rejection')
    expect(author.outbox.receipt(first)).toMatchObject({
      reason: 'moderator-rejected',
      detail: 'Please keep it civil',
    })
    expect(host.mod.rejected().find((r) => r.id === first)).toMatchObject({
      kind: 'edit',
      questionId,
      by: session.hostUserId,
    })
    expect(viewer.public.question(questionId)?.text).toBe('What is the budget?')

    // Approved: the new text replaces the old one.
    const second = author.outbox.edit(questionId, 'What is the budget for next year?')
    await waitFor(() => host.mod.pending(second) !== undefined, 5000, 'second edit queued')
    expect(viewer.public.question(questionId)?.text).toBe('What is the budget?')
    host.mod.decide(second, decision('approve'))
    await waitFor(
      () => viewer.public.question(questionId)?.text === 'What is the budget for next year?',
      5000,
      'approved edit published',
    )
    expect(author.outbox.receipt(second)?.status).toBe('accepted')
    expect(viewer.public.question(questionId)?.editedAt).toEqual(expect.any(Number))
    expect(host.mod.queue()).toEqual([])
    const audit = await auditLog(
      server.url,
      { id: session.id, token: session.hostToken },
      (entries) => entries.some((e) => e.action === 'approve-edit'),
    )
    expect(audit.map((e) => [e.action, e.targetId, e.actorId])).toEqual(
      expect.arrayContaining([
        ['reject-edit', first, session.hostUserId],
        ['approve-edit', second, session.hostUserId],
      ]),
    )
  })

  it('[E2] an edit whose question was withdrawn meanwhile is refused as not found', async () => {
    const session = await createSession(server.url, {
      title: 'Withdrawn',
      settings: { preModeration: true },
    })
    const host = new TestClient(
      server.syncUrl,
      { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
      {},
      true,
    )
    const author = new TestClient(server.syncUrl, await join(server.url, session.code, 'Ann'))
    clients.push(host, author)
    await Promise.all([host.synced(), author.synced()])
    const { questionId } = author.outbox.ask('A question to withdraw')
    await waitFor(() => host.mod.pending(questionId) !== undefined, 5000, 'queued')
    host.mod.decide(questionId, decision('approve'))
    await waitFor(() => host.public.hasQuestion(questionId), 5000, 'approved')
    const edit = author.outbox.edit(questionId, 'A question to withdraw, edited')
    await waitFor(() => host.mod.pending(edit) !== undefined, 5000, 'edit queued')
    const withdraw = author.outbox.withdraw(questionId)
    await waitFor(() => author.outbox.receipt(withdraw)?.status === 'accepted', 5000, 'withdrawn')
    host.mod.decide(edit, decision('approve'))
    await waitFor(() => author.outbox.receipt(edit)?.status === 'rejected', 5000, 'edit refused')
    expect(author.outbox.receipt(edit)?.reason).toBe('not-found')
    expect(host.public.hasQuestion(questionId)).toBe(false)
  })
})
