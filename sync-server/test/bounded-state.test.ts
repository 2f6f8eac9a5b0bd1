import { documentName } from '@podium/shared'
import { afterEach, describe, expect, it } from 'vitest'
import { startPodium, type TestPodium } from '../../test-support/podium.ts'
import { RATES, REFILL_MS, UserRates } from '../src/ingest/user-rates.ts'
import { createSession, join, TestClient, waitFor } from './helpers/clients.ts'

// What the server keeps per user and per session must not grow with everyone who ever
// came, nor start afresh because someone reconnected.

const servers: TestPodium[] = []
const clients: TestClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const s of servers.splice(0)) await s.close()
})

async function start(): Promise<TestPodium> {
  const server = await startPodium({}, { ingest: { idleMs: 300, keepOpenMs: 300 } })
  servers.push(server)
  return server
}

function connect(
  server: TestPodium,
  identity: { sessionId: string; userId: string; token: string },
  withMod = false,
) {
  const c = new TestClient(server.syncUrl, identity, {}, withMod)
  clients.push(c)
  return c
}

function leave(c: TestClient): void {
  c.destroy()
  clients.splice(clients.indexOf(c), 1)
}

async function heldSessions(server: TestPodium): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text()
  return Number(/^podium_ingest_sessions (\d+)/m.exec(text)?.[1] ?? Number.NaN)
}

async function waitForHeld(server: TestPodium, count: number, sessionId: string): Promise<void> {
  // Generous: under a full parallel test run on two cores, unloading takes a while.
  const until = Date.now() + 25_000
  while ((await heldSessions(server)) !== count) {
    if (Date.now() > until) {
      const busy = server.podium.ingest.busy(sessionId).join('; ')
      throw new Error(`held sessions never became ${count}; the session is kept by: ${busy}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('per-user allowances', () => {
  it('ING-RATE-1: posts are 20 at once then one every 5 seconds; votes 300 at once then 20 a second', () => {
    let now = 1_000_000
    const rates = new UserRates(10, () => now)
    for (let i = 0; i < 20; i++) expect(rates.allow('alice', 'post'), `post ${i + 1}`).toBe(true)
    expect(rates.allow('alice', 'post')).toBe(false)
    now += 4_900
    expect(rates.allow('alice', 'post')).toBe(false)
    now += 100
    expect(rates.allow('alice', 'post')).toBe(true)
    expect(rates.allow('alice', 'post')).toBe(false)
    // Votes are a bucket of their own: the posts used up take none of them.
    for (let i = 0; i < 300; i++) expect(rates.allow('alice', 'vote'), `vote ${i + 1}`).toBe(true)
    expect(rates.allow('alice', 'vote')).toBe(false)
    now += 49
    expect(rates.allow('alice', 'vote')).toBe(false)
    now += 1
    expect(rates.allow('alice', 'vote')).toBe(true)
    now += 1_000
    for (let i = 0; i < 20; i++) expect(rates.allow('alice', 'vote')).toBe(true)
    expect(rates.allow('alice', 'vote')).toBe(false)
    // Someone else's allowance is their own.
    expect(rates.allow('bob', 'post')).toBe(true)
  })

  it('ING-RATE-3: are kept until they would be full again (100 s), and for at most 50,000 users', () => {
    expect(REFILL_MS).toBe(100_000)
    let now = 1_000_000
    const everyone = new UserRates(undefined, () => now)
    for (let i = 0; i <= 50_000; i++) everyone.allow(`user-${i}`, 'vote')
    expect(everyone.size).toBe(50_000)
    now = 1_000_000
    const rates = new UserRates(3, () => now)
    for (let i = 0; i < RATES.post.burst; i++) expect(rates.allow('alice', 'post')).toBe(true)
    expect(rates.allow('alice', 'post')).toBe(false)
    now += 10_000
    rates.allow('bob', 'vote')
    // Alice's bucket is not full again yet (two posts back after 10 s): she is remembered.
    expect(rates.size).toBe(2)
    expect(rates.allow('alice', 'post')).toBe(true)
    expect(rates.allow('alice', 'post')).toBe(true)
    expect(rates.allow('alice', 'post')).toBe(false)
    // Past capacity the least recently used goes first.
    rates.allow('carol', 'vote')
    rates.allow('dave', 'vote')
    expect(rates.size).toBe(3)
    // Untouched for as long as a refill takes, everyone is forgotten but the one just seen.
    now += REFILL_MS
    rates.allow('erin', 'vote')
    expect(rates.size).toBe(1)
  })

  it('ING-RATE-2: a user whose post allowance is used up is still limited after reconnecting and the session state being dropped', async () => {
    const server = await start()
    const session = await createSession(server.url, { title: 'Allowances' })
    const alice = await join(server.url, session.code, 'Alice')
    const outboxName = documentName.outbox(session.id, alice.userId)
    const first = connect(server, alice)
    await first.synced()
    const ids: string[] = []
    first.outbox.doc.transact(() => {
      for (let i = 0; i < 21; i++) ids.push(first.outbox.ask(`Question number ${i}`).entryId)
    })
    await waitFor(() => ids.every((id) => first.outbox.receipt(id)), 10_000, 'every receipt')
    const limited = ids.filter((id) => first.outbox.receipt(id)?.reason === 'rate-limited')
    expect(limited).toHaveLength(1)

    leave(first)
    await waitFor(
      () => !server.podium.services.hocuspocus.documents.has(outboxName),
      5000,
      'outbox unloaded',
    )
    // The session's ingest state goes too (nobody is in it): the allowance is kept apart.
    await waitForHeld(server, 0, session.id)
    const again = connect(server, alice)
    await again.synced()
    const { entryId } = again.outbox.ask('One more, right after reconnecting')
    await waitFor(() => again.outbox.receipt(entryId) !== undefined, 5000, 'receipt')
    expect(again.outbox.receipt(entryId)).toMatchObject({
      status: 'rejected',
      reason: 'rate-limited',
    })
  })
})

describe('ingest state per session', () => {
  it('is dropped once the session is idle, and taken up again on new activity', async () => {
    const server = await start()
    const session = await createSession(server.url, { title: 'Idle' })
    const hostIdentity = {
      sessionId: session.id,
      userId: session.hostUserId,
      token: session.hostToken,
    }
    const host = connect(server, hostIdentity, true)
    const alice = connect(server, await join(server.url, session.code, 'Alice'))
    const bob = connect(server, await join(server.url, session.code, 'Bob'))
    await Promise.all([host.synced(), alice.synced(), bob.synced()])
    const { questionId } = alice.outbox.ask('Does the room come back?')
    await waitFor(() => host.public.hasQuestion(questionId), 5000, 'question published')
    alice.outbox.vote(questionId, true)
    bob.outbox.vote(questionId, true)
    await waitFor(() => host.public.question(questionId)?.votes === 2, 5000, 'two votes')
    expect(await heldSessions(server)).toBe(1)

    for (const c of [host, alice, bob]) leave(c)
    await waitForHeld(server, 0, session.id)
    expect(server.podium.services.hocuspocus.documents.size).toBe(0)

    // New activity: a newcomer votes and asks; the tally goes on from the stored votes.
    const carol = connect(server, await join(server.url, session.code, 'Carol'))
    const hostAgain = connect(server, hostIdentity, true)
    await Promise.all([carol.synced(), hostAgain.synced()])
    expect(await heldSessions(server)).toBe(1)
    carol.outbox.vote(questionId, true)
    const asked = carol.outbox.ask('And mine is published?')
    await waitFor(() => hostAgain.public.question(questionId)?.votes === 3, 5000, 'three votes')
    await waitFor(() => hostAgain.public.hasQuestion(asked.questionId), 5000, 'new question')
    expect(carol.outbox.receipt(asked.entryId)).toMatchObject({ status: 'accepted' })
  }, 60_000)
})
