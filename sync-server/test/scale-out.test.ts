import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import type { IngestRepository } from '../src/ingest/repository.ts'
import { acceptedInvite, createSession, join, TestClient, waitFor } from './helpers/clients.ts'

// Two sync-server instances over one Postgres database, sharing documents through Redis,
// as docker-compose runs them.
const POSTGRES_URL =
  process.env.PODIUM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.PODIUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const schema = `podium_scale_${Math.random().toString(36).slice(2, 10)}`

let one: TestPodium
let two: TestPodium
const clients: TestClient[] = []

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: POSTGRES_URL })
  await admin.connect()
  await admin.query(`CREATE SCHEMA ${schema}`)
  await admin.end()
  const env = { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema, REDIS_URL }
  one = await startPodium(env)
  two = await startPodium(env)
})

afterAll(async () => {
  for (const c of clients) c.destroy()
  await one?.close()
  await two?.close()
  const admin = new pg.Client({ connectionString: POSTGRES_URL })
  await admin.connect()
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await admin.end()
})

function client(
  server: TestPodium,
  identity: { sessionId: string; userId: string; token: string },
  withMod = false,
) {
  const c = new TestClient(server.syncUrl, identity, {}, withMod)
  clients.push(c)
  return c
}

describe('scale-out through Redis', () => {
  it('shows the same questions, tallies and participant count on both instances', async () => {
    const session = await createSession(one.url)
    const host = client(
      one,
      { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
      true,
    )
    const alice = client(one, await join(one.url, session.code, 'Alice'))
    const bob = client(two, await join(two.url, session.code, 'Bob'))
    const carol = client(two, await join(two.url, session.code, 'Carol'))
    await Promise.all([host.synced(), alice.synced(), bob.synced(), carol.synced()])
    expect(bob.public.meta().title).toBe('Test session')

    const { questionId } = alice.outbox.ask('Asked on one, seen on two?')
    await waitFor(() => bob.public.hasQuestion(questionId), 15_000, 'question crosses instances')
    alice.outbox.vote(questionId, true)
    bob.outbox.vote(questionId, true)
    carol.outbox.vote(questionId, true)
    for (const c of [host, alice, bob, carol]) {
      await waitFor(
        () => c.public.question(questionId)?.votes === 3,
        15_000,
        'three votes everywhere',
      )
    }
    carol.outbox.vote(questionId, false)
    for (const c of [host, alice, bob, carol]) {
      await waitFor(
        () => c.public.question(questionId)?.votes === 2,
        15_000,
        'two votes everywhere',
      )
    }
    await waitFor(
      () => alice.public.participants() === 4 && bob.public.participants() === 4,
      15_000,
      'four here',
    )
  })
})

describe('a tally read back while the other instance commits', () => {
  it('is checked again, so a stale count does not stay in the document', async () => {
    const session = await createSession(one.url)
    const alice = client(one, await join(one.url, session.code, 'Alice'))
    const bob = client(two, await join(two.url, session.code, 'Bob'))
    const carol = client(two, await join(two.url, session.code, 'Carol'))
    await Promise.all([alice.synced(), bob.synced(), carol.synced()])
    const { questionId } = alice.outbox.ask('Which instance counts last?')
    await waitFor(() => bob.public.hasQuestion(questionId), 15_000, 'question crosses instances')

    // Instance one's read of the tallies answers slowly: it reads the database at once, and
    // hands the answer back only when the test says so. Meanwhile instance two commits its
    // votes and publishes the true tally.
    const repo = (one.podium.ingest as unknown as { repo: IngestRepository }).repo
    const read = repo.voteCountsFor.bind(repo)
    let answer = () => {}
    const answered = new Promise<void>((resolve) => {
      answer = resolve
    })
    let slowed = 0
    repo.voteCountsFor = async (sessionId, ids) => {
      const counts = await read(sessionId, ids)
      if (sessionId === session.id && slowed++ === 0) await answered
      return counts
    }
    try {
      alice.outbox.vote(questionId, true)
      await waitFor(() => slowed > 0, 15_000, 'instance one reading its tally back')
      bob.outbox.vote(questionId, true)
      carol.outbox.vote(questionId, true)
      await waitFor(
        () => alice.public.question(questionId)?.votes === 3,
        15_000,
        'the true tally on instance one',
      )
      // Instance one now writes the tally it read before two's votes (1), after the true one.
      answer()
      await waitFor(
        () => alice.public.question(questionId)?.votes !== 3,
        15_000,
        'the stale tally written',
      )
      for (const c of [alice, bob, carol]) {
        await waitFor(
          () => c.public.question(questionId)?.votes === 3,
          15_000,
          'three votes everywhere again',
        )
      }
    } finally {
      answer()
      repo.voteCountsFor = read
    }
  })
})

describe('a role withdrawn on one instance', () => {
  it('closes the staff member’s connection on the other, which then refuses them', async () => {
    const session = await createSession(one.url)
    const moderator = await acceptedInvite(one.url, session, 'moderator', 'Mo')
    const mod = client(two, moderator, true)
    await mod.synced()
    const refusals: string[] = []
    mod
      .provider('mod')
      .on('authenticationFailed', ({ reason }: { reason: string }) => refusals.push(reason))
    const revoked = await request(
      `${one.url}/api/sessions/${session.id}/invites/${moderator.inviteId}`,
      {
        method: 'DELETE',
        token: session.hostToken,
      },
    )
    expect(revoked.status).toBe(204)
    await waitFor(() => refusals.includes('access-revoked'), 15_000, 'instance two refusing them')
  })
})
