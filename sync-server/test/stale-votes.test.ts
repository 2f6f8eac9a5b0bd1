import { type OutboxEntry, voteEntryId } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPodium, type TestPodium } from '../../test-support/podium.ts'
import { Tallies } from '../src/ingest/tallies.ts'
import { UserStates } from '../src/ingest/user-states.ts'
import { createSession, join, TestClient, waitFor } from './helpers/clients.ts'

/**
 * A vote entry can reach the ingest older than the version already decided: after a
 * restart the server's stored copy of an outbox may be older than the receipts it stored,
 * and a modified client can write any `seq`. The table ignores such a version
 * (vote_versions); the instance's count and its copy of the user's votes must too, or the
 * user's next vote is counted from a wrong belief and the tally drifts from the table.
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

const vote = (questionId: string, up: boolean, seq: number): OutboxEntry => ({
  type: 'vote',
  id: voteEntryId(questionId),
  seq,
  createdAt: Date.now(),
  questionId,
  up,
})

describe('a vote older than the one decided', () => {
  it('changes nothing, and the votes after it count from what the table holds', async () => {
    const session = await createSession(server.url, { title: 'Versions' })
    const host = new TestClient(
      server.syncUrl,
      { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
      {},
      true,
    )
    clients.push(host)
    await host.synced()
    const questionId = 'versioned-q-0001'
    host.public.putQuestion({
      id: questionId,
      text: 'Which version wins?',
      authorId: session.hostUserId,
      authorName: 'Host',
      createdAt: Date.now(),
    } as never)
    const alice = new TestClient(server.syncUrl, await join(server.url, session.code, 'Alice'))
    clients.push(alice)
    await alice.synced()
    await waitFor(() => alice.public.hasQuestion(questionId), 5000, 'the question published')

    const entries = alice.provider('outbox').document.getMap('entries')
    const decided = (seq: number) =>
      waitFor(
        () => alice.outbox.receipt(voteEntryId(questionId))?.seq === seq,
        5000,
        `version ${seq} decided`,
      )
    const tally = () => host.public.question(questionId)?.votes
    const steps: Array<[boolean, number, number]> = [
      // up, seq, the tally after it
      [true, 10, 1],
      [false, 20, 0],
      // Older than 20: the row stays as 20 left it (none).
      [true, 15, 0],
      [false, 30, 0],
      [true, 40, 1],
      // Older than 40: the row stays (one).
      [false, 35, 1],
      [true, 50, 1],
      [false, 60, 0],
    ]
    for (const [up, seq, after] of steps) {
      entries.set(voteEntryId(questionId), vote(questionId, up, seq))
      await decided(seq)
      await waitFor(() => tally() === after, 5000, `tally ${after} after version ${seq}`)
      // Held there: no later correction moves it.
      await new Promise((r) => setTimeout(r, 100))
      expect(tally(), `after version ${seq}`).toBe(after)
    }
  })
})

describe('the tally of a take-back counted from a wrong belief', () => {
  it('comes back to the table, not one above it, when the count was zero', async () => {
    const repo = {
      voteCounts: async () => new Map<string, number>(),
    } as unknown as ConstructorParameters<typeof Tallies>[0]['repo']
    const tallies = new Tallies({
      sessionId: 's',
      repo,
      store: async () => undefined,
      afterRunning: () => undefined,
      withPublic: async () => undefined,
      stopped: () => false,
    })
    const counts = new Map([['q', 0]])
    // The instance believed the user had voted; the table had no row, so none was removed.
    tallies.vote(counts, 'q', false)
    const changed = tallies.afterCommit(
      counts,
      [{ userId: 'u', questionId: 'q', up: false, counted: true }],
      { votesAdded: [], votesRemoved: [], votesOutdated: [], decidedBefore: [] },
    )
    expect(changed).toEqual(['q'])
    expect(counts.get('q')).toBe(0)
  })
})

describe("a user's known votes after an outdated vote", () => {
  it('are read from the table again', async () => {
    let reads = 0
    const repo = {
      loadUser: async () => {
        reads++
        return { decided: new Map(), votes: new Set<string>(), name: null }
      },
    } as unknown as ConstructorParameters<typeof UserStates>[1]
    const users = new UserStates('s', repo)
    const state = await users.get('u')
    users.stored([{ userId: 'u', state, votes: new Set(['q']) }], { decided: [] } as never, {
      votesAdded: [],
      votesRemoved: [],
      votesOutdated: [{ userId: 'u', questionId: 'q' }],
      decidedBefore: [],
    })
    const again = await users.get('u')
    expect(reads).toBe(2)
    expect(again.votes.has('q')).toBe(false)
  })
})
