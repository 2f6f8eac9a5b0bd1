import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import type { DomainEvent } from '../src/events/types.ts'
import { createSession, join, TestClient, waitFor } from './helpers/clients.ts'

// The seam analytics and notifications subscribe to (docs/architecture.md): what the
// ingest decided reaches a subscriber after it is stored, in order, once, and a restart
// neither repeats nor loses any of it.

const dataDir = mkdtempSync(joinPath(tmpdir(), 'podium-events-seam-'))
const clients: TestClient[] = []
let server: TestPodium | undefined

afterAll(async () => {
  for (const c of clients) c.destroy()
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

function recorder(into: DomainEvent[]) {
  return async (event: DomainEvent) => {
    into.push(event)
  }
}

const client = (
  url: string,
  identity: ConstructorParameters<typeof TestClient>[1],
  staff = false,
) => {
  const c = new TestClient(url, identity, {}, staff)
  clients.push(c)
  return c
}

describe('domain events from the ingest', () => {
  it('[EV-6] come after the store, in order and once, and a restart goes on where it stopped', async () => {
    server = await startPodium({}, { dataDir })
    const seen: DomainEvent[] = []
    server.podium.services.events.subscribe('seam-test', recorder(seen))
    const session = await createSession(server.url, { title: 'Events' })
    const host = { sessionId: session.id, userId: session.hostUserId, token: session.hostToken }
    const live = await request(`${server.url}/api/sessions/${session.id}/status`, {
      token: session.hostToken,
      body: { status: 'live' },
    })
    expect(live.status).toBe(200)
    const alice = await join(server.url, session.code, 'Alice')
    const hostClient = client(server.syncUrl, host, true)
    const aliceClient = client(server.syncUrl, alice)
    await Promise.all([hostClient.synced(), aliceClient.synced()])

    const questionId = aliceClient.outbox.ask('What comes first?').questionId
    await waitFor(() => hostClient.public.hasQuestion(questionId), 5000, 'question published')
    aliceClient.outbox.vote(questionId, true)
    await waitFor(() => hostClient.public.question(questionId)?.votes === 1, 5000, 'vote counted')
    hostClient.public.updateQuestion(questionId, { answered: true })
    await waitFor(
      () => seen.some((e) => e.type === 'question.answered'),
      5000,
      'the answered event',
    )

    const mine = seen.filter((e) => e.sessionId === session.id)
    const kinds = mine.map((e) => e.type)
    const at = (type: DomainEvent['type']) => kinds.indexOf(type)
    expect(at('session.status-changed')).toBeGreaterThanOrEqual(0)
    expect(at('session.status-changed')).toBeLessThan(at('question.asked'))
    expect(at('participant.joined')).toBeLessThan(at('question.asked'))
    expect(at('question.asked')).toBeLessThan(at('question.published'))
    expect(at('question.published')).toBeLessThan(at('vote.counted'))
    expect(at('vote.counted')).toBeLessThan(at('question.answered'))
    expect(mine.find((e) => e.type === 'question.asked')).toMatchObject({
      questionId,
      authorId: alice.userId,
      queued: false,
    })
    expect(mine.find((e) => e.type === 'vote.counted')).toMatchObject({
      questionId,
      userId: alice.userId,
      up: true,
    })
    expect(mine.find((e) => e.type === 'question.answered')).toMatchObject({
      questionId,
      by: session.hostUserId,
    })
    expect(mine.find((e) => e.type === 'session.status-changed')).toMatchObject({
      status: 'live',
      by: session.hostUserId,
    })
    const joined = mine.filter((e) => e.type === 'participant.joined')
    expect(joined.map((e) => (e.type === 'participant.joined' ? e.userId : '')).sort()).toEqual(
      [alice.userId, session.hostUserId].sort(),
    )
    // Once each: no seq twice, and every seq larger than the one before.
    const seqs = seen.map((e) => e.seq)
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b))

    // Restart: the subscriber goes on after the last event it handled.
    for (const c of clients.splice(0)) c.destroy()
    await server.close()
    server = await startPodium({}, { dataDir })
    const after: DomainEvent[] = []
    server.podium.services.events.subscribe('seam-test', recorder(after))
    const bob = await join(server.url, session.code, 'Bob')
    const bobClient = client(server.syncUrl, bob)
    await bobClient.synced()
    const second = bobClient.outbox.ask('And then?').questionId
    await waitFor(
      () => after.some((e) => e.type === 'question.published' && e.questionId === second),
      5000,
      'the second question published',
    )
    await server.podium.services.events.drain()
    expect(after.map((e) => e.seq).filter((s) => seqs.includes(s))).toEqual([])
    expect(after.some((e) => e.type === 'question.asked' && e.questionId === questionId)).toBe(
      false,
    )
    expect(after.filter((e) => e.type === 'question.asked')).toHaveLength(1)
  })
})
