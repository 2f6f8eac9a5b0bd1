import {
  REACTION_RATE,
  ReactionRefused,
  ReactionsDoc,
  type ReactionRefused as Refused,
} from '@podium/shared'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { TestPodium } from '../../../test-support/podium.ts'
import { request } from '../../../test-support/podium.ts'
import { EventLog } from '../../src/events/log.ts'
import { ReactionRepository } from '../../src/reactions/repository.ts'
import { createSession, join, TestClient, waitFor } from './clients.ts'

/** Sends a reaction (or any payload) as a stateless message on the public document. */
export function react(client: TestClient, reaction: string): void {
  client.provider('public').sendStateless(JSON.stringify({ type: 'reaction', reaction }))
}

/** The refusals a client's public connection has been told of. */
export function refusals(client: TestClient): Refused[] {
  const seen: Refused[] = []
  client.provider('public').on('stateless', ({ payload }: { payload: string }) => {
    const parsed = ReactionRefused.safeParse(JSON.parse(payload))
    if (parsed.success) seen.push(parsed.data)
  })
  return seen
}

/**
 * Reactions through a real server, as tests registered in the caller's `describe`,
 * against whatever server `start` gives (SQLite, or Postgres in the contract suite).
 */
export function reactionsSuite(start: () => Promise<TestPodium>): void {
  let server: TestPodium
  const clients: TestClient[] = []
  beforeAll(async () => {
    server = await start()
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server?.close()
  })
  const client = (identity: { sessionId: string; userId: string; token: string }) => {
    const c = new TestClient(server.syncUrl, identity)
    clients.push(c)
    return c
  }

  it('[REACT-1] [REACT-5] counts reactions per window and publishes each window once, for everyone', async () => {
    const session = await createSession(server.url)
    const alice = client(await join(server.url, session.code, 'Alice'))
    const bob = client(await join(server.url, session.code, 'Bob'))
    const projector = client({
      sessionId: session.id,
      userId: session.hostUserId,
      token: session.hostToken,
    })
    await Promise.all([alice.synced(), bob.synced(), projector.synced()])
    react(alice, 'clap')
    react(bob, 'clap')
    react(bob, 'love')
    const seen = new ReactionsDoc(projector.provider('public').document)
    await waitFor(() => seen.totals().clap === 2 && seen.totals().love === 1, 15_000, 'totals')
    const latest = seen.latest()
    expect(latest?.second ?? 0).toBeGreaterThan(0)
    expect(latest?.second ?? 1).toBe(Math.floor((latest?.second ?? 0) / 1000) * 1000)
    // Alice's own room shows them too: everyone reads the public document.
    await waitFor(() => new ReactionsDoc(alice.provider('public').document).totals().clap === 2)

    // Stored as windows, never per person, with one event per window.
    const repo = new ReactionRepository(
      server.podium.services.db,
      new EventLog(server.podium.services.db),
    )
    // The row is stored just after the room is shown the window, not before it.
    let windows = await repo.windows(session.id)
    const until = Date.now() + 5_000
    while (windows.reduce((n, w) => n + w.total, 0) < 3 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20))
      windows = await repo.windows(session.id)
    }
    const sum = windows.reduce((n, w) => n + w.total, 0)
    expect(sum).toBe(3)
    const events = await server.podium.services.db.kysely
      .selectFrom('domain_events')
      .select(['type', 'data'])
      .where('session_id', '=', session.id)
      .where('type', '=', 'reactions.counted')
      .execute()
    expect(events.length).toBe(windows.length)
    expect(events.map((e) => JSON.parse(e.data).total).reduce((a, b) => a + b, 0)).toBe(3)
  })

  it('[REACT-2] refuses a reaction that is not one of the six, with a reason, and counts nothing', async () => {
    const session = await createSession(server.url)
    const carol = client(await join(server.url, session.code, 'Carol'))
    await carol.synced()
    const told = refusals(carol)
    react(carol, '💩')
    await waitFor(() => told.length === 1, 15_000, 'refusal')
    expect(told[0]).toMatchObject({ reason: 'unknown-reaction' })
    expect(told[0]?.message).toMatch(/not one this session offers/)
    react(carol, 'wow')
    const seen = new ReactionsDoc(carol.provider('public').document)
    await waitFor(() => seen.totals().wow === 1, 15_000, 'the known one counted')
    expect(Object.keys(seen.totals())).toEqual(['wow'])
  })

  it('[REACT-3] a flood counts only the allowance, and the sender is told once a second at most', async () => {
    const session = await createSession(server.url)
    const dave = client(await join(server.url, session.code, 'Dave'))
    const erin = client(await join(server.url, session.code, 'Erin'))
    await Promise.all([dave.synced(), erin.synced()])
    const told = refusals(dave)
    for (let i = 0; i < 50; i++) react(dave, 'party')
    react(erin, 'party')
    const seen = new ReactionsDoc(erin.provider('public').document)
    await waitFor(() => (seen.totals().party ?? 0) >= REACTION_RATE.burst + 1, 15_000, 'counted')
    await waitFor(() => told.length >= 1, 15_000, 'told')
    await server.podium.reactions.flush()
    // Fifty sent within a moment: the burst, and at most a few refilled meanwhile.
    const counted = seen.totals().party ?? 0
    expect(counted).toBeGreaterThanOrEqual(REACTION_RATE.burst + 1)
    expect(counted).toBeLessThanOrEqual(REACTION_RATE.burst + 1 + 3)
    expect(told.length).toBeLessThanOrEqual(3)
    expect(told[0]).toMatchObject({ reason: 'rate-limited' })
  })

  it('[REACT-4] refuses reactions once the session has ended', async () => {
    const session = await createSession(server.url)
    const frank = client(await join(server.url, session.code, 'Frank'))
    await frank.synced()
    const ended = await request(`${server.url}/api/sessions/${session.id}/status`, {
      token: session.hostToken,
      body: { status: 'ended' },
    })
    expect(ended.status).toBeLessThan(300)
    await waitFor(() => frank.public.meta().status === 'ended', 15_000, 'ended')
    const told = refusals(frank)
    react(frank, 'like')
    await waitFor(() => told.length === 1, 15_000, 'refusal')
    expect(told[0]).toMatchObject({ reason: 'session-ended' })
  })

  it('[REACT-6] an attendee may send no other stateless message, nor a reaction on their outbox', async () => {
    const session = await createSession(server.url)
    const gina = client(await join(server.url, session.code, 'Gina'))
    await gina.synced()
    const outbox = gina.provider('outbox')
    outbox.sendStateless(JSON.stringify({ type: 'reaction', reaction: 'like' }))
    gina.provider('public').sendStateless(JSON.stringify({ type: 'write-refused' }))
    react(gina, 'like')
    const seen = new ReactionsDoc(gina.provider('public').document)
    await waitFor(() => seen.totals().like === 1, 15_000, 'the one on the public document')
    await server.podium.reactions.flush()
    expect(seen.totals().like).toBe(1)
  })
}
