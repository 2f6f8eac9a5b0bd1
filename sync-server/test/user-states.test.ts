import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Db, openDatabase } from '../src/db/connect.ts'
import { emptyBatch, IngestRepository, nothingStored } from '../src/ingest/repository.ts'
import { UserStates } from '../src/ingest/user-states.ts'

// What the ingest knows of each author, read from a real (SQLite) database: a tick's
// new authors in one batch of queries rather than three queries each, and a user a
// store changed while the batch was being read read again.

let db: Db
let repo: IngestRepository

beforeAll(async () => {
  db = await openDatabase({ kind: 'sqlite', file: ':memory:' })
  repo = new IngestRepository(db)
  const batch = emptyBatch()
  for (const userId of ['a', 'b', 'c', 'd', 'e']) {
    batch.decided.push({
      userId,
      entryId: 'ask-1',
      seq: 1,
      status: 'accepted',
      reason: null,
      detail: null,
    })
    batch.votesAdded.push({ userId, questionId: 'q1' })
  }
  await repo.commit('s', batch)
})
afterAll(async () => {
  await db.close()
})

/** The repository, counting its reads; a batch's answer may be held back (`gate`). */
function counted(gate: Promise<void> = Promise.resolve()) {
  const reads = { batches: [] as string[][], single: [] as string[] }
  const counting = Object.create(repo) as IngestRepository
  counting.loadUsers = async (sessionId, ids) => {
    reads.batches.push([...ids])
    const states = await repo.loadUsers(sessionId, ids)
    await gate
    return states
  }
  counting.loadUser = (sessionId, id) => {
    reads.single.push(id)
    return repo.loadUser(sessionId, id)
  }
  return { counting, reads }
}

describe('UserStates', () => {
  it('reads the authors it does not know in one batch; get() then finds them', async () => {
    const { counting, reads } = counted()
    const users = new UserStates('s', counting)
    await users.get('a')
    await users.prefetch(['a', 'b', 'c', 'nobody'])
    expect(reads.batches).toEqual([['b', 'c', 'nobody']])
    for (const id of ['b', 'c']) {
      const state = await users.get(id)
      expect(state.decided.get('ask-1')?.status).toBe('accepted')
      expect(state.votes).toEqual(new Set(['q1']))
    }
    expect((await users.get('nobody')).decided.size).toBe(0)
    expect(reads.single).toEqual(['a'])
    // One alone is get()'s; known ones are not read again.
    await users.prefetch(['a', 'b', 'f'])
    expect(reads.batches).toHaveLength(1)
  })

  it('reads a user again alone when a store changed them while the batch was read', async () => {
    // The batch reads the table before the store and answers after it.
    let open = () => {}
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    const { counting, reads } = counted(gate)
    const users = new UserStates('s', counting)
    const prefetched = users.prefetch(['d', 'e'])
    // A tick stores a decision of d's meanwhile (d reconnected on another device).
    const later = emptyBatch()
    later.decided.push({
      userId: 'd',
      entryId: 'ask-2',
      seq: 1,
      status: 'accepted',
      reason: null,
      detail: null,
    })
    await repo.commit('s', later)
    users.stored([], later, nothingStored())
    open()
    await prefetched
    const d = await users.get('d')
    expect(reads.single).toEqual(['d'])
    expect(d.decided.has('ask-2')).toBe(true)
    expect((await users.get('e')).decided.has('ask-2')).toBe(false)
  })
})
