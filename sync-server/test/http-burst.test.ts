import { monitorEventLoopDelay } from 'node:perf_hooks'
import { documentName, PublicDoc, QUESTION_DEFAULTS } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPodium, type TestPodium } from '../../test-support/podium.ts'
import type { BurstAnswer } from './fixtures/hostile-burst.ts'
import { createSession, join, TestClient, waitFor } from './helpers/clients.ts'
import { lastJson, runScript } from './helpers/processes.ts'

/**
 * One request must not freeze every room: a burst of hostile requests from another
 * process (8 MB nested bodies without a token, oversized and deeply nested bodies to
 * open routes, an 8 MB nested import) while a room is live. Before, one 8 MB `[[[…]]]`
 * body sent without a token to a token route was parsed before the token was looked at
 * and held the server's only thread for seconds, and every room with it.
 */

/**
 * What /healthz and a vote's round trip (outbox → count in the public document) stay
 * under while the burst runs: every one under MAX_MS, and half of them under MEDIAN_MS.
 * The machine these run on is shared (load averages of 10 to 20 on 2 cores), which alone
 * stalls a process for up to a second now and then; one 8 MB body parsed on the server's
 * thread held it for 2.6 to 3.8 s, so the bound stays below that. How fast the room is
 * under load is the benchmarks' business, not this test's.
 */
const MAX_MS = 2000
const MEDIAN_MS = 250
const BURST_SCRIPT = 'sync-server/test/fixtures/hostile-burst.ts'
const QUESTION = 'question-burst-1'

let server: TestPodium
const clients: TestClient[] = []
beforeAll(async () => {
  server = await startPodium({ RATE_LIMIT_ALLOW: 'none', RATE_LIMIT_JOIN_PER_MINUTE: '12' })
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await server.close()
})

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.POSITIVE_INFINITY
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await run()
  return performance.now() - start
}

describe('a burst of hostile requests while a room is live', () => {
  it(`keeps /healthz and a vote's round trip under ${MAX_MS} ms (half under ${MEDIAN_MS} ms) and refuses each request`, async () => {
    const session = await createSession(server.url, { title: 'Live room' })
    await server.podium.services.docs.change(documentName.public(session.id), (doc) =>
      new PublicDoc(doc).putQuestion({
        id: QUESTION,
        text: 'Does the room stay live?',
        authorId: session.hostUserId,
        authorName: 'Host',
        createdAt: Date.now(),
        ...QUESTION_DEFAULTS,
        labels: [],
      }),
    )
    const host = new TestClient(server.syncUrl, {
      sessionId: session.id,
      userId: session.hostUserId,
      token: session.hostToken,
    })
    const attendee = new TestClient(server.syncUrl, await join(server.url, session.code, 'Ann'))
    clients.push(host, attendee)
    await Promise.all([host.synced(), attendee.synced()])
    let up = false
    const voteRoundTrip = async () => {
      up = !up
      const expected = up ? 1 : 0
      attendee.outbox.vote(QUESTION, up)
      await waitFor(
        () => host.public.question(QUESTION)?.votes === expected,
        10_000,
        `vote count ${expected}`,
      )
    }
    // The first votes load the ingest's state for the session.
    await voteRoundTrip()
    await voteRoundTrip()

    const delay = monitorEventLoopDelay({ resolution: 10 })
    delay.enable()
    let burstDone = false
    const burst = runScript(
      BURST_SCRIPT,
      { BASE_URL: server.url, SESSION_ID: session.id, CODE: session.code },
      90_000,
    ).finally(() => {
      burstDone = true
    })
    const health: number[] = []
    const roundTrips: number[] = []
    while (!burstDone || health.length < 6) {
      health.push(await timed(() => fetch(`${server.url}/healthz`).then((r) => r.text())))
      roundTrips.push(await timed(voteRoundTrip))
    }
    const answers = lastJson<BurstAnswer[]>(await burst)
    delay.disable()
    console.info(
      `${answers.length} hostile requests, ${health.length} probes: /healthz median ${Math.round(median(health))} max ${Math.round(Math.max(...health))} ms, vote round trip median ${Math.round(median(roundTrips))} max ${Math.round(Math.max(...roundTrips))} ms; event loop delay max ${Math.round(delay.max / 1e6)} ms`,
    )

    expect(answers).toHaveLength(40)
    for (const answer of answers) {
      const said = `${answer.what}: ${answer.status} ${answer.body}`
      expect(answer.expected, said).toContain(answer.status)
      expect(answer.type, said).toMatch(/^application\/problem\+json/)
      expect(JSON.parse(answer.body), said).toMatchObject({
        status: answer.status,
        detail: expect.any(String),
      })
    }
    // The join limit refused some of them before their bodies were read.
    expect(answers.some((a) => a.status === 429)).toBe(true)
    expect(Math.max(...health)).toBeLessThan(MAX_MS)
    expect(Math.max(...roundTrips)).toBeLessThan(MAX_MS)
    expect(median(health)).toBeLessThan(MEDIAN_MS)
    expect(median(roundTrips)).toBeLessThan(MEDIAN_MS)
  }, 120_000)
})
