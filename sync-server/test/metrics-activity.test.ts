import { afterEach, describe, expect, it } from 'vitest'
import { startPodiumOn, type TestPodium } from '../../test-support/podium.ts'
import { TOP_SESSIONS } from '../src/observability/session-clients.ts'
import { createSession, join, TestClient, waitFor } from './helpers/clients.ts'
import { sampleValue, scrape } from './helpers/metrics-text.ts'

const REDIS_URL = process.env.PODIUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

const started: TestPodium[] = []
const clients: TestClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await Promise.all(started.splice(0).map((p) => p.close()))
})

async function pollMetrics(
  url: string,
  check: (samples: Awaited<ReturnType<typeof scrape>>) => boolean,
  what: string,
) {
  const until = Date.now() + 20_000
  for (;;) {
    const samples = await scrape(url)
    if (check(samples)) return samples
    if (Date.now() > until)
      throw new Error(
        `timed out waiting for ${what} in /metrics: ${JSON.stringify(samples.filter((s) => s.name.startsWith('podium_store') || s.name.startsWith('podium_ingest')))}`,
      )
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe.each(['sqlite', 'postgres'] as const)('/metrics after real activity on %s', (dialect) => {
  it('reports clients per session, ingest and receipt latency, stores and dependencies', async () => {
    const env: Record<string, string> = { STORE_DEBOUNCE_MS: '0' }
    if (dialect === 'postgres') env.REDIS_URL = REDIS_URL
    const server = await startPodiumOn(dialect, env)
    started.push(server)
    const busy = await createSession(server.url)
    const quiet = await createSession(server.url)
    const host = new TestClient(
      server.syncUrl,
      { sessionId: busy.id, userId: busy.hostUserId, token: busy.hostToken },
      {},
      true,
    )
    const people = await Promise.all(
      ['Ada', 'Ben', 'Cy'].map(
        async (name) => new TestClient(server.syncUrl, await join(server.url, busy.code, name)),
      ),
    )
    const loner = new TestClient(server.syncUrl, await join(server.url, quiet.code, 'Di'))
    clients.push(host, ...people, loner)
    await Promise.all(clients.map((c) => c.synced()))

    const [ada, ben, cy] = people as [TestClient, TestClient, TestClient]
    const { questionId } = ada.outbox.ask('How is this measured?')
    await waitFor(() => ada.outbox.receipt(questionId)?.status === 'accepted', 15_000, 'receipt')
    ben.outbox.vote(questionId, true)
    cy.outbox.vote(questionId, true)
    await waitFor(() => host.public.question(questionId)?.votes === 2, 15_000, 'two votes')
    // Enough stored updates of one document for the store to compact it (on SQLite, which
    // stores each at once; on a loaded Postgres they are merged into fewer appends). Each
    // note waits a moment: notes written while a store is under way go in the next one.
    for (let i = 0; i < 400; i++) {
      host.mod.setNote(questionId, `note ${i}`)
      await new Promise((r) => setTimeout(r, 2))
    }

    const samples = await pollMetrics(
      server.url,
      (s) =>
        (dialect === 'postgres' ||
          (sampleValue(s, 'podium_store_seconds_count', { operation: 'compact' }) ?? 0) >= 1) &&
        (sampleValue(s, 'podium_ingest_receipt_seconds_count', { type: 'vote' }) ?? 0) >= 2,
      'two receipted votes (and a compaction on SQLite)',
    )
    // Clients per session: the host and three attendees in one, one in the other.
    expect(sampleValue(samples, 'podium_session_clients', { session: busy.id })).toBe(4)
    expect(sampleValue(samples, 'podium_session_clients', { session: quiet.id })).toBe(1)
    expect(sampleValue(samples, 'podium_session_clients', { session: 'other' })).toBe(0)
    // Entry made → decided, and → receipted: one ask, two votes, each observed once.
    expect(sampleValue(samples, 'podium_ingest_decision_seconds_count', { type: 'ask' })).toBe(1)
    expect(sampleValue(samples, 'podium_ingest_decision_seconds_count', { type: 'vote' })).toBe(2)
    expect(sampleValue(samples, 'podium_ingest_receipt_seconds_count', { type: 'ask' })).toBe(1)
    // An online entry is decided well within the largest finite bucket.
    expect(
      sampleValue(samples, 'podium_ingest_receipt_seconds_bucket', { type: 'ask', le: '15' }),
    ).toBe(1)
    expect(
      sampleValue(samples, 'podium_store_seconds_count', { operation: 'append' }),
    ).toBeGreaterThan(dialect === 'sqlite' ? 200 : 0)
    expect(sampleValue(samples, 'podium_nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0)
    expect(sampleValue(samples, 'podium_db_up')).toBe(1)
    expect(sampleValue(samples, 'podium_db_roundtrip_seconds')).toBeGreaterThan(0)
    expect(sampleValue(samples, 'podium_notifications_queued')).toBe(0)
    if (dialect === 'postgres') {
      expect(sampleValue(samples, 'podium_redis_up')).toBe(1)
      expect(sampleValue(samples, 'podium_redis_roundtrip_seconds')).toBeGreaterThan(0)
      expect(sampleValue(samples, 'podium_db_pool_wait_seconds_count')).toBeGreaterThan(0)
      const pool = samples.filter((x) => x.name === 'podium_db_pool_connections')
      expect(pool.map((x) => x.labels.state).sort()).toEqual(['busy', 'idle', 'waiting'])
      expect(
        pool.reduce((sum, x) => sum + (x.labels.state === 'waiting' ? 0 : x.value), 0),
      ).toBeGreaterThan(0)
    } else {
      // No Redis, no pool: no series that would read as "down".
      expect(sampleValue(samples, 'podium_redis_up')).toBeUndefined()
      expect(sampleValue(samples, 'podium_db_pool_connections', { state: 'idle' })).toBeUndefined()
    }
  })
})

describe('clients per session', () => {
  it(`keeps a series for the ${TOP_SESSIONS} busiest sessions and sums the rest`, async () => {
    const server = await startPodiumOn('sqlite')
    started.push(server)
    const sessions = await Promise.all(
      Array.from({ length: TOP_SESSIONS + 2 }, () => createSession(server.url)),
    )
    // The first session gets two attendees; every other one gets one.
    for (const [index, session] of sessions.entries()) {
      for (let n = 0; n < (index === 0 ? 2 : 1); n++)
        clients.push(new TestClient(server.syncUrl, await join(server.url, session.code)))
    }
    await Promise.all(clients.map((c) => c.synced()))
    const samples = await scrape(server.url)
    const series = samples.filter((s) => s.name === 'podium_session_clients')
    expect(series).toHaveLength(TOP_SESSIONS + 1)
    expect(sampleValue(samples, 'podium_session_clients', { session: sessions[0]!.id })).toBe(2)
    expect(sampleValue(samples, 'podium_session_clients', { session: 'other' })).toBe(2)
    expect(series.reduce((sum, s) => sum + s.value, 0)).toBe(TOP_SESSIONS + 3)
  })
})
