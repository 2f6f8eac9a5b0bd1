import { newId, type OutboxEntry, REJECT_MESSAGES, type Receipt, type Reply } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPodium, type TestPodium } from '../../test-support/podium.ts'
import { createSession, join, TestClient, waitFor } from './helpers/clients.ts'

/**
 * Entries carry ids their authors make, so an attendee can write any id into their own
 * outbox: one that another person's question, reply or queued item already has. A new
 * entry never takes such an id over: it is refused with `id-taken`, and what was there
 * stays exactly as it was.
 */

let server: TestPodium
const clients: TestClient[] = []

beforeAll(async () => {
  server = await startPodium()
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await server.close()
})

async function room(settings: Record<string, unknown> = {}) {
  const session = await createSession(server.url, { title: 'Ids', settings })
  const connect = async (identity: { sessionId: string; userId: string; token: string }) => {
    const client = new TestClient(
      server.syncUrl,
      identity,
      {},
      identity.userId === session.hostUserId,
    )
    clients.push(client)
    await client.synced()
    return client
  }
  const host = await connect({
    sessionId: session.id,
    userId: session.hostUserId,
    token: session.hostToken,
  })
  const alice = await connect(await join(server.url, session.code, 'Alice'))
  const mallory = await connect(await join(server.url, session.code, 'Mallory'))
  return { session, host, alice, mallory }
}

/** Writes an entry into the client's own outbox as it is, as a modified client could. */
function writeRaw(client: TestClient, entry: OutboxEntry): void {
  client.provider('outbox').document.getMap('entries').set(entry.id, entry)
}

const ask = (id: string, text: string, anonymous = false): OutboxEntry => ({
  type: 'ask',
  id,
  seq: 1,
  createdAt: Date.now(),
  questionId: id,
  text,
  anonymous,
})

const reply = (id: string, questionId: string, text: string): OutboxEntry => ({
  type: 'reply',
  id,
  seq: 1,
  createdAt: Date.now(),
  replyId: id,
  questionId,
  text,
  anonymous: false,
})

async function receiptOf(client: TestClient, id: string): Promise<Receipt> {
  await waitFor(() => client.outbox.receipt(id) !== undefined, 5000, `receipt of ${id}`)
  return client.outbox.receipt(id)!
}

function expectTaken(receipt: Receipt): void {
  expect(receipt).toMatchObject({ status: 'rejected', reason: 'id-taken' })
  expect(REJECT_MESSAGES['id-taken']).toMatch(/post it again/)
}

describe('an id that is taken', () => {
  it("is refused for an ask: another person's question keeps its text, author, status, answer and votes", async () => {
    const { host, alice, mallory } = await room()
    const { questionId } = alice.outbox.ask('What is the plan for Q3?')
    await waitFor(() => host.public.hasQuestion(questionId), 5000, "Alice's question published")
    mallory.outbox.vote(questionId, true)
    await waitFor(() => host.public.voteCount(questionId) === 1, 5000, 'the vote counted')
    host.public.updateQuestion(questionId, {
      status: 'hidden',
      answered: true,
      answeredAt: Date.now(),
    })
    await waitFor(
      () => mallory.public.question(questionId)?.status === 'hidden',
      5000,
      'the moderation reaches Mallory',
    )
    const before = host.public.question(questionId)

    writeRaw(mallory, ask(questionId, 'Mallory rewrites this'))
    expectTaken(await receiptOf(mallory, questionId))
    await server.podium.ingest.flush()

    expect(host.public.question(questionId)).toEqual(before)
    expect(host.public.question(questionId)).toMatchObject({
      text: 'What is the plan for Q3?',
      authorName: 'Alice',
      authorId: alice.identity.userId,
      status: 'hidden',
      answered: true,
      votes: 1,
    })
  })

  it("ING-ID-6: is refused for a reply: a host's reply keeps its text and its role", async () => {
    const { host, alice, mallory } = await room()
    const { questionId } = alice.outbox.ask('Is there a recording?')
    await waitFor(() => host.public.hasQuestion(questionId), 5000, 'question published')
    const hostReply: Reply = {
      id: newId(),
      questionId,
      text: 'Yes, tomorrow.',
      authorId: host.identity.userId,
      authorName: 'Host',
      authorRole: 'host',
      createdAt: Date.now(),
      hidden: false,
    }
    host.public.putReply(hostReply)
    await waitFor(
      () => mallory.public.replies(questionId).length === 1,
      5000,
      "the host's reply reaches Mallory",
    )

    writeRaw(mallory, reply(hostReply.id, questionId, 'No, never.'))
    expectTaken(await receiptOf(mallory, hostReply.id))
    await server.podium.ingest.flush()
    expect(host.public.replies(questionId)).toEqual([hostReply])
  })

  it("is refused for a question whose id is a reply's, and a reply whose id is a question's", async () => {
    const { host, alice, mallory } = await room()
    const { questionId } = alice.outbox.ask('Where are the slides?')
    await waitFor(() => host.public.hasQuestion(questionId), 5000, 'question published')
    const replyId = alice.outbox.reply(questionId, 'On the wiki, I think')
    await waitFor(() => host.public.replies(questionId).length === 1, 5000, 'reply published')

    writeRaw(mallory, ask(replyId, 'A question under a reply id'))
    writeRaw(mallory, reply(questionId, questionId, 'A reply under a question id'))
    expectTaken(await receiptOf(mallory, replyId))
    expectTaken(await receiptOf(mallory, questionId))
    await server.podium.ingest.flush()
    expect(host.public.questions().map((q) => q.id)).toEqual([questionId])
    expect(host.public.replies().map((r) => [r.id, r.text])).toEqual([
      [replyId, 'On the wiki, I think'],
    ])
  })

  it("is refused under pre-moderation: another person's queued item stays theirs", async () => {
    const { host, alice, mallory } = await room({ preModeration: true })
    const { questionId } = alice.outbox.ask('Queued and mine')
    await waitFor(() => host.mod.pending(questionId) !== undefined, 5000, 'question queued')
    const before = host.mod.pending(questionId)

    writeRaw(mallory, ask(questionId, 'Mallory takes the queued item'))
    expectTaken(await receiptOf(mallory, questionId))
    await server.podium.ingest.flush()
    expect(host.mod.pending(questionId)).toEqual(before)
    expect(before).toMatchObject({ text: 'Queued and mine', authorId: alice.identity.userId })

    // Approved, it is published as Alice's question, and her receipt says so.
    host.mod.decide(questionId, {
      action: 'approve',
      by: host.identity.userId,
      byName: 'Host',
      at: Date.now(),
    })
    await waitFor(() => host.public.hasQuestion(questionId), 5000, 'approved')
    expect(host.public.question(questionId)).toMatchObject({
      text: 'Queued and mine',
      authorName: 'Alice',
    })
    await waitFor(
      () => alice.outbox.receipt(questionId)?.status === 'accepted',
      5000,
      "Alice's receipt",
    )
    expect(mallory.outbox.receipt(questionId)?.status).toBe('rejected')
  })

  it("is refused for an edit queued under pre-moderation: another person's queued item stays theirs", async () => {
    const { host, alice, mallory } = await room({ preModeration: true })
    const own = mallory.outbox.ask('Mine, approved').questionId
    await waitFor(() => host.mod.pending(own) !== undefined, 5000, 'own question queued')
    host.mod.decide(own, { action: 'approve', by: host.identity.userId, byName: null, at: 1 })
    await waitFor(() => host.public.hasQuestion(own), 5000, 'own question approved')
    const { questionId } = alice.outbox.ask('Queued and mine')
    await waitFor(() => host.mod.pending(questionId) !== undefined, 5000, 'question queued')
    const before = host.mod.pending(questionId)

    // An edit of Mallory's own question, under the id of Alice's queued item.
    writeRaw(mallory, {
      type: 'edit',
      id: questionId,
      seq: 1,
      createdAt: Date.now(),
      questionId: own,
      text: 'Mallory replaces the queued item',
    })
    expectTaken(await receiptOf(mallory, questionId))
    await server.podium.ingest.flush()
    expect(host.mod.pending(questionId)).toEqual(before)
    expect(before).toMatchObject({ kind: 'question', text: 'Queued and mine' })
    expect(host.public.question(own)?.text).toBe('Mine, approved')
  })

  it('ING-ID-4: stays taken once its question is withdrawn', async () => {
    const { host, alice, mallory } = await room()
    const { questionId } = alice.outbox.ask('Never mind')
    await waitFor(() => host.public.hasQuestion(questionId), 5000, 'question published')
    alice.outbox.withdraw(questionId)
    await waitFor(() => !host.public.hasQuestion(questionId), 5000, 'question withdrawn')

    writeRaw(mallory, ask(questionId, 'Reusing a withdrawn id'))
    expectTaken(await receiptOf(mallory, questionId))
    await server.podium.ingest.flush()
    expect(host.public.hasQuestion(questionId)).toBe(false)
  })

  it('is refused to the second of two people who use one id in the same moment', async () => {
    const { host, alice, mallory } = await room()
    const id = newId()
    writeRaw(alice, ask(id, 'First'))
    writeRaw(mallory, ask(id, 'Second'))
    const receipts = [await receiptOf(alice, id), await receiptOf(mallory, id)]
    expect(receipts.map((r) => r.status).sort()).toEqual(['accepted', 'rejected'])
    const winner = receipts[0]!.status === 'accepted' ? 'First' : 'Second'
    await waitFor(() => host.public.hasQuestion(id), 5000, 'one published')
    expect(host.public.question(id)?.text).toBe(winner)
  })
})
