import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CheckpointReason } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { startPodium } from '../../test-support/podium.ts'
import { createTestSchema, type TestSchema } from '../../test-support/postgres.ts'
import { type Db, openDatabase } from '../src/db/connect.ts'
import { CheckpointStore } from '../src/history/checkpoints.ts'
import { emptyBatch, IngestRepository } from '../src/ingest/repository.ts'
import { DocumentStore, toBytes } from '../src/persistence/store.ts'
import { qaFlowSuite } from './helpers/qa-flow-suite.ts'

/** A fresh database for one contract run, and how to throw it away. */
interface Backend {
  db: Db
  dispose(): Promise<void>
}

const sqlite = async (): Promise<Backend> => {
  const dir = mkdtempSync(join(tmpdir(), 'podium-contract-'))
  const db = await openDatabase({ kind: 'sqlite', file: join(dir, 'podium.sqlite') })
  return {
    db,
    async dispose() {
      await db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const postgres = async (): Promise<Backend> => {
  const schema = await createTestSchema()
  const db = await openDatabase({ kind: 'postgres', url: schema.url, schema: schema.schema }).catch(
    async (error) => {
      await schema.drop()
      throw error
    },
  )
  return {
    db,
    async dispose() {
      await db.close()
      await schema.drop()
    },
  }
}

/** A Yjs update that adds `count` items to the array `items` from a doc of its own. */
function itemsUpdate(label: string, count = 1): Uint8Array {
  const doc = new Y.Doc()
  doc.getArray<string>('items').push(Array.from({ length: count }, (_, i) => `${label}-${i}`))
  return Y.encodeStateAsUpdate(doc)
}

function docFrom(update: Uint8Array | null): Y.Doc {
  const doc = new Y.Doc()
  if (update) Y.applyUpdate(doc, update)
  return doc
}

/** The content of a test document (types must be named to be read back from a fresh doc). */
const content = (doc: Y.Doc) => ({
  items: doc.getArray('items').toJSON(),
  meta: doc.getMap('meta').toJSON(),
})

const sortedItems = (doc: Y.Doc) => doc.getArray<string>('items').toArray().slice().sort()

/**
 * The contract every database behind Podium keeps. Run against each backend; a backend
 * that differs in any of these fails here rather than in production.
 */
function persistenceContract(name: string, open: () => Promise<Backend>) {
  describe(`persistence contract: ${name}`, () => {
    let backend: Backend
    let store: DocumentStore
    let repo: IngestRepository
    beforeAll(async () => {
      backend = await open()
      store = new DocumentStore(backend.db)
      repo = new IngestRepository(backend.db)
    })
    afterAll(async () => {
      await backend?.dispose()
    })

    describe('DocumentStore', () => {
      it('has nothing for a document never stored', async () => {
        expect(await store.load('never/stored')).toBeNull()
        expect(await store.count('never/stored')).toBe(0)
      })

      it('returns every byte value unchanged', async () => {
        const bytes = new Uint8Array(512)
        for (let i = 0; i < bytes.length; i++) bytes[i] = i % 256
        await store.append('binary/round-trip', bytes)
        const loaded = await store.load('binary/round-trip')
        expect(loaded).toBeInstanceOf(Uint8Array)
        expect(Buffer.from(loaded!).equals(Buffer.from(bytes))).toBe(true)
      })

      it('appends, loads the merge, counts, and removes one document only', async () => {
        const source = new Y.Doc()
        const updates: Uint8Array[] = []
        source.on('update', (u: Uint8Array) => updates.push(u))
        source.getMap('meta').set('title', 'Town hall')
        source.getArray('items').push(['a', 'b'])
        source.getMap('meta').set('title', 'Town hall, renamed')
        for (const u of updates) await store.append('doc/a', u)
        await store.append('doc/b', itemsUpdate('other'))

        expect(await store.count('doc/a')).toBe(updates.length)
        const loaded = docFrom(await store.load('doc/a'))
        expect(loaded.getMap('meta').toJSON()).toEqual({ title: 'Town hall, renamed' })
        expect(Y.encodeStateVector(loaded)).toEqual(Y.encodeStateVector(source))

        await store.remove('doc/a')
        expect(await store.load('doc/a')).toBeNull()
        expect(await store.count('doc/a')).toBe(0)
        expect(await store.count('doc/b')).toBe(1)
      })

      it('keeps every one of many concurrent appends', async () => {
        const name = 'doc/concurrent'
        await Promise.all(
          Array.from({ length: 60 }, (_, i) => store.append(name, itemsUpdate(`c${i}`))),
        )
        expect(await store.count(name)).toBe(60)
        expect(sortedItems(docFrom(await store.load(name)))).toHaveLength(60)
      })

      it('writes appends of many documents together, each in its order', async () => {
        // More than one statement's worth, made in one turn: written in one transaction.
        const started = store.appendWrites
        const names = ['doc/together-a', 'doc/together-b', 'doc/together-c']
        await Promise.all(
          Array.from({ length: 450 }, (_, i) =>
            store.append(names[i % 3]!, itemsUpdate(`t${String(i).padStart(3, '0')}`)),
          ),
        )
        expect(store.appendWrites - started).toBe(1)
        for (const [n, name] of names.entries()) {
          expect(await store.count(name)).toBe(150)
          const rows = await backend.db.kysely
            .selectFrom('document_updates')
            .select('data')
            .where('name', '=', name)
            .orderBy('id')
            .execute()
          const items = rows.map((r) => docFrom(toBytes(r.data)).getArray('items').get(0))
          expect(items).toEqual(
            Array.from({ length: 150 }, (_, k) => `t${String(k * 3 + n).padStart(3, '0')}-0`),
          )
        }
      })

      it('compacts into one row whose content equals what was appended', async () => {
        const name = 'doc/compact'
        const source = new Y.Doc()
        source.on('update', (u: Uint8Array) => void store.append(name, u))
        for (let i = 0; i < 40; i++) source.getArray<number>('items').push([i])
        source.getArray<number>('items').delete(0, 5)
        source.getMap('meta').set('title', 'after deletes')
        // Appends were started in order; wait until all have landed.
        await expect.poll(() => store.count(name)).toBe(42)
        const before = docFrom(await store.load(name))

        await store.compact(name)
        expect(await store.count(name)).toBe(1)
        const after = docFrom(await store.load(name))
        expect(content(after)).toEqual(content(before))
        expect(content(after)).toEqual(content(source))
        expect(content(after).items).toHaveLength(35)
        expect(Y.encodeStateVector(after)).toEqual(Y.encodeStateVector(source))
        // Compacting what is already one row changes nothing.
        await store.compact(name)
        expect(await store.count(name)).toBe(1)
      })

      it('loses no append made while compactions run', async () => {
        const name = 'doc/compact-race'
        await store.append(name, itemsUpdate('seed'))
        const appends = Array.from({ length: 80 }, (_, i) =>
          store.append(name, itemsUpdate(`r${i}`)),
        )
        const compactions = Array.from({ length: 8 }, () => store.compact(name))
        await Promise.all([...appends, ...compactions])
        await store.compact(name)
        const items = sortedItems(docFrom(await store.load(name)))
        expect(items).toHaveLength(81)
        expect(new Set(items).size).toBe(81)
      })

      it('stores and loads a large update intact', async () => {
        const doc = new Y.Doc()
        doc.getText('body').insert(0, 'x'.repeat(3 * 1024 * 1024))
        doc
          .getArray('items')
          .push(Array.from({ length: 5000 }, (_, i) => ({ i, text: `item ${i}` })))
        const update = Y.encodeStateAsUpdate(doc)
        expect(update.byteLength).toBeGreaterThan(3 * 1024 * 1024)
        await store.append('doc/large', update)
        await store.append('doc/large', itemsUpdate('tail'))
        const loaded = docFrom(await store.load('doc/large'))
        expect(loaded.getText('body').length).toBe(3 * 1024 * 1024)
        expect(loaded.getArray('items').length).toBe(5001)
        await store.compact('doc/large')
        expect(docFrom(await store.load('doc/large')).getArray('items').length).toBe(5001)
      })
    })

    describe('CheckpointStore', () => {
      it('thins out automatic checkpoints to the newest and one an hour, and keeps the ones people took', async () => {
        const checkpoints = new CheckpointStore(backend.db)
        const state = itemsUpdate('checkpoint')
        const t0 = Date.UTC(2026, 0, 1)
        const minute = 60_000
        const add = (session: string, reason: string, at: number) =>
          checkpoints.add(session, state, reason, at)
        const interval: string[] = []
        for (let i = 0; i < 30; i++) {
          interval.push((await add('s-prune', CheckpointReason.interval, t0 + i * 5 * minute)).id)
          await add('s-other', CheckpointReason.interval, t0 + i * 5 * minute)
        }
        const statusEarly = await add('s-prune', CheckpointReason.status, t0 - 170 * minute)
        const statusLate = await add('s-prune', CheckpointReason.status, t0 - 160 * minute)
        const agenda = await add('s-prune', CheckpointReason.agenda, t0 - 61 * minute)
        const manual = await add('s-prune', CheckpointReason.manual, t0 - 300 * minute)
        const restore = await add('s-prune', CheckpointReason.beforeRestore, t0 - 299 * minute)

        // 30 interval checkpoints 5 minutes apart: the newest 24 stay; of the six before them,
        // all in the first hour, the newest. Of the two status ones in one hour, the later.
        expect(await checkpoints.prune('s-prune')).toBe(6)
        const kept = new Set((await checkpoints.list('s-prune')).map((c) => c.id))
        expect(kept).toEqual(
          new Set([...interval.slice(5), statusLate.id, agenda.id, manual.id, restore.id]),
        )
        expect(kept.has(statusEarly.id)).toBe(false)
        expect(await checkpoints.prune('s-prune')).toBe(0)
        // Another session's checkpoints are its own.
        expect((await checkpoints.list('s-other')).length).toBe(30)
        expect(await checkpoints.load('s-prune', interval[5]!)).not.toBeNull()
      })
    })

    describe('IngestRepository', () => {
      it('stores every document update of a tick, past a statement’s rows, and loads them back', async () => {
        // A storm's tick writes a receipt into each author's outbox: 250 documents, more
        // than one INSERT holds.
        const batch = emptyBatch()
        for (let i = 0; i < 250; i++) {
          const doc = new Y.Doc()
          const updates: Uint8Array[] = []
          doc.on('update', (u: Uint8Array) => updates.push(u))
          doc.getMap('receipts').set('e1', { seq: i })
          batch.updates.push({ name: `s-updates/user/u${i}`, update: updates[0]! })
        }
        await repo.commit('s-updates', batch)
        for (const i of [0, 199, 200, 249]) {
          const loaded = await store.load(`s-updates/user/u${i}`)
          const doc = new Y.Doc()
          Y.applyUpdate(doc, loaded!)
          expect(doc.getMap('receipts').get('e1')).toEqual({ seq: i })
        }
      })

      it('knows nothing of a user it has not seen', async () => {
        const state = await repo.loadUser('s-empty', 'nobody')
        expect(state.decided.size).toBe(0)
        expect(state.votes.size).toBe(0)
        expect(await repo.voteCounts('s-empty')).toEqual(new Map())
      })

      it('reads many users in one batch as it reads each, past a chunk, the unknown empty', async () => {
        const session = 's-load-users'
        const batch = emptyBatch()
        // 1,203 users: more than two chunks of 500, each with a decision and some votes.
        const ids = Array.from({ length: 1203 }, (_, i) => `u${String(i).padStart(4, '0')}`)
        ids.forEach((userId, i) => {
          batch.decided.push({
            userId,
            entryId: `answer-${i % 3}`,
            seq: i + 1,
            status: i % 5 === 0 ? 'rejected' : 'accepted',
            reason: i % 5 === 0 ? 'poll-closed' : null,
            detail: null,
          })
          for (let q = 0; q < i % 3; q++) batch.votesAdded.push({ userId, questionId: `q${q}` })
        })
        await repo.commit(session, batch)
        // Another session's rows are not theirs.
        const elsewhere = emptyBatch()
        elsewhere.votesAdded.push({ userId: 'u0001', questionId: 'q-other' })
        await repo.commit('s-load-users-other', elsewhere)

        const asked = [...ids, 'nobody']
        const states = await repo.loadUsers(session, asked)
        expect([...states.keys()]).toEqual(asked)
        for (const userId of [ids[0], ids[1], ids[2], ids[499], ids[500], ids[1202]] as string[]) {
          const alone = await repo.loadUser(session, userId)
          expect(states.get(userId)).toEqual(alone)
          expect(alone.decided.size).toBe(1)
        }
        expect(states.get('u0005')?.decided.get('answer-2')).toEqual({
          seq: 6,
          status: 'rejected',
          reason: 'poll-closed',
          detail: null,
        })
        expect([...(states.get('u0002')?.votes ?? [])].sort()).toEqual(['q0', 'q1'])
        expect(states.get('u0001')?.votes).toEqual(new Set(['q0']))
        expect(states.get('nobody')).toEqual({ decided: new Map(), votes: new Set(), name: null })
      })

      it('counts a user once per question whatever is sent, in one batch or many', async () => {
        const session = 's-votes'
        const batch = emptyBatch()
        batch.votesAdded.push(
          { userId: 'u1', questionId: 'q1' },
          { userId: 'u1', questionId: 'q1' },
          { userId: 'u2', questionId: 'q1' },
        )
        await repo.commit(session, batch)
        const again = emptyBatch()
        again.votesAdded.push(
          { userId: 'u1', questionId: 'q1' },
          { userId: 'u1', questionId: 'q2' },
        )
        await repo.commit(session, again)
        // The same vote committed by several ticks at once still makes one row.
        await Promise.all(
          Array.from({ length: 5 }, () => {
            const b = emptyBatch()
            b.votesAdded.push({ userId: 'u3', questionId: 'q1' })
            return repo.commit(session, b)
          }),
        )
        expect(await repo.voteCounts(session)).toEqual(
          new Map([
            ['q1', 3],
            ['q2', 1],
          ]),
        )
        expect([...(await repo.loadUser(session, 'u1')).votes].sort()).toEqual(['q1', 'q2'])

        const remove = emptyBatch()
        remove.votesRemoved.push(
          { userId: 'u1', questionId: 'q1' },
          { userId: 'u1', questionId: 'q1' },
          { userId: 'u9', questionId: 'q1' },
        )
        await repo.commit(session, remove)
        expect(await repo.voteCounts(session)).toEqual(
          new Map([
            ['q1', 2],
            ['q2', 1],
          ]),
        )
        expect(await repo.voteCounts('s-other')).toEqual(new Map())
      })

      it('decides votes against the table and says which rows changed', async () => {
        const session = 's-votes-changed'
        const first = emptyBatch()
        first.votesAdded.push(
          { userId: 'u1', questionId: 'q1' },
          { userId: 'u2', questionId: 'q1' },
        )
        first.events.push(
          {
            type: 'vote.counted',
            questionId: 'q1',
            userId: 'u1',
            up: true,
            sessionId: session,
            at: 1,
          },
          {
            type: 'vote.counted',
            questionId: 'q1',
            userId: 'u2',
            up: true,
            sessionId: session,
            at: 1,
          },
        )
        expect(await repo.commit(session, first)).toEqual({
          votesAdded: [
            { userId: 'u1', questionId: 'q1' },
            { userId: 'u2', questionId: 'q1' },
          ],
          votesRemoved: [],
          votesOutdated: [],
          decidedBefore: [],
        })
        // Up again (an instance that did not know), a take-back, and one of nothing.
        const second = emptyBatch()
        second.votesAdded.push({ userId: 'u1', questionId: 'q1' })
        second.votesRemoved.push(
          { userId: 'u2', questionId: 'q1' },
          { userId: 'u3', questionId: 'q1' },
        )
        second.events.push(
          {
            type: 'vote.counted',
            questionId: 'q1',
            userId: 'u1',
            up: true,
            sessionId: session,
            at: 2,
          },
          {
            type: 'vote.counted',
            questionId: 'q1',
            userId: 'u2',
            up: false,
            sessionId: session,
            at: 2,
          },
          {
            type: 'vote.counted',
            questionId: 'q1',
            userId: 'u3',
            up: false,
            sessionId: session,
            at: 2,
          },
        )
        expect(await repo.commit(session, second)).toEqual({
          votesAdded: [],
          votesRemoved: [{ userId: 'u2', questionId: 'q1' }],
          votesOutdated: [],
          decidedBefore: [],
        })
        expect(await repo.voteCounts(session)).toEqual(new Map([['q1', 1]]))
        // Only the rows that changed made an event.
        const counted = (
          await backend.db.kysely
            .selectFrom('domain_events')
            .select(['data', 'at'])
            .where('session_id', '=', session)
            .orderBy('seq')
            .execute()
        ).map((r) => {
          const { userId, up } = JSON.parse(r.data) as { userId: string; up: boolean }
          return [userId, up, Number(r.at)]
        })
        expect(counted).toEqual([
          ['u1', true, 1],
          ['u2', true, 1],
          ['u2', false, 2],
        ])
      })

      it('lets an older version of a vote committed after a newer one change nothing', async () => {
        const session = 's-vote-versions'
        const vote = (up: boolean, seq: number) => {
          const b = emptyBatch()
          ;(up ? b.votesAdded : b.votesRemoved).push({ userId: 'u1', questionId: 'q1', seq })
          return b
        }
        // Version 5 (taken back) stored by one instance, then version 4 (up) by another.
        await repo.commit(session, vote(true, 3))
        expect((await repo.commit(session, vote(false, 5))).votesRemoved).toHaveLength(1)
        // Said to be outdated: what the row holds is version 5's doing, not this one's.
        expect(await repo.commit(session, vote(true, 4))).toEqual({
          votesAdded: [],
          votesRemoved: [],
          votesOutdated: [{ userId: 'u1', questionId: 'q1' }],
          decidedBefore: [],
        })
        // The same version twice (decided on both) changes nothing the second time either.
        expect(await repo.commit(session, vote(false, 5))).toMatchObject({
          votesRemoved: [],
          votesOutdated: [{ userId: 'u1', questionId: 'q1' }],
        })
        expect(await repo.voteCounts(session)).toEqual(new Map())
        expect((await repo.commit(session, vote(true, 6))).votesAdded).toHaveLength(1)
        expect(await repo.voteCounts(session)).toEqual(new Map([['q1', 1]]))
      })

      it('commits two ticks that meet on the same rows in opposite orders without a deadlock', async () => {
        // Two instances deciding the same users' votes and entries at once: each commit
        // takes its rows in one order, so one waits for the other instead of deadlocking.
        const session = 's-lock-order'
        // Enough rows that the two transactions overlap (several statements each).
        const keys = Array.from({ length: 1000 }, (_, i) => ({
          userId: `u${String(i).padStart(4, '0')}`,
          questionId: `q${i % 7}`,
        }))
        const batchOf = (order: typeof keys, seq: number, up: boolean) => {
          const b = emptyBatch()
          for (const k of order) {
            ;(up ? b.votesAdded : b.votesRemoved).push({ ...k, seq })
            b.decided.push({
              userId: k.userId,
              entryId: `ask-${k.userId}`,
              seq,
              status: 'accepted',
              reason: null,
              detail: null,
              first: false,
            })
          }
          return b
        }
        for (let round = 1; round <= 2; round++) {
          const up = round % 2 === 1
          await Promise.all([
            repo.commit(session, batchOf(keys, round, up)),
            repo.commit(session, batchOf([...keys].reverse(), round, up)),
          ])
        }
        // The last round took every vote back.
        expect(await repo.voteCounts(session)).toEqual(new Map())
      })

      it('keeps the first decision stored for an entry, and says which ones came second', async () => {
        const session = 's-first'
        const decision = (status: 'accepted' | 'rejected') => ({
          userId: 'u1',
          entryId: 'e1',
          first: true,
          seq: 1,
          status,
          reason: status === 'rejected' ? 'id-taken' : null,
          detail: null,
        })
        const one = emptyBatch()
        one.decided.push(decision('accepted'))
        expect((await repo.commit(session, one)).decidedBefore).toEqual([])
        const other = emptyBatch()
        other.decided.push(decision('rejected'))
        expect((await repo.commit(session, other)).decidedBefore).toEqual([
          { userId: 'u1', entryId: 'e1' },
        ])
        expect((await repo.loadUser(session, 'u1')).decided.get('e1')?.status).toBe('accepted')
      })

      it('upserts decisions: the latest one for an entry is what loads', async () => {
        const session = 's-decided'
        const pending = emptyBatch()
        pending.decided.push({
          userId: 'u1',
          entryId: 'e1',
          seq: 1,
          status: 'pending',
          reason: null,
          detail: null,
        })
        await repo.commit(session, pending)
        expect(await repo.authorsOf(session, ['e1'])).toEqual(
          new Map([
            ['e1', [{ userId: 'u1', seq: 1, status: 'pending', reason: null, detail: null }]],
          ]),
        )

        const rejected = emptyBatch()
        rejected.decided.push({
          userId: 'u1',
          entryId: 'e1',
          seq: 1,
          status: 'rejected',
          reason: 'moderator-rejected',
          detail: 'Off topic',
        })
        await repo.commit(session, rejected)
        const state = await repo.loadUser(session, 'u1')
        expect(state.decided.size).toBe(1)
        expect(state.decided.get('e1')).toEqual({
          seq: 1,
          status: 'rejected',
          reason: 'moderator-rejected',
          detail: 'Off topic',
        })
        // An entry id has its author, found by the id alone; other ids have none.
        expect(await repo.authorsOf(session, ['e1', 'e2'])).toEqual(
          new Map([
            [
              'e1',
              [
                {
                  userId: 'u1',
                  seq: 1,
                  status: 'rejected',
                  reason: 'moderator-rejected',
                  detail: 'Off topic',
                },
              ],
            ],
          ]),
        )
        expect(await repo.authorsOf('s-other', ['e1'])).toEqual(new Map())
      })

      it('commits decisions, votes and document updates together or not at all', async () => {
        const session = 's-atomic'
        const good = emptyBatch()
        good.decided.push({
          userId: 'u1',
          entryId: 'e1',
          seq: 1,
          status: 'accepted',
          reason: null,
          detail: null,
        })
        good.votesAdded.push({ userId: 'u1', questionId: 'q1' })
        good.updates.push({ name: `session/${session}`, update: itemsUpdate('atomic') })
        await repo.commit(session, good)
        expect(await store.count(`session/${session}`)).toBe(1)

        // A batch that fails part-way (an update that is not bytes) leaves nothing behind.
        const bad = emptyBatch()
        bad.decided.push({
          userId: 'u1',
          entryId: 'e2',
          seq: 1,
          status: 'accepted',
          reason: null,
          detail: null,
        })
        bad.votesAdded.push({ userId: 'u2', questionId: 'q1' })
        bad.updates.push({ name: `session/${session}`, update: null as unknown as Uint8Array })
        await expect(repo.commit(session, bad)).rejects.toThrow()
        expect((await repo.loadUser(session, 'u1')).decided.has('e2')).toBe(false)
        expect(await repo.voteCounts(session)).toEqual(new Map([['q1', 1]]))
        expect(await store.count(`session/${session}`)).toBe(1)
      })
    })
  })
}

persistenceContract('SQLite', sqlite)
persistenceContract('Postgres', postgres)

describe('Q&A flow on a Postgres-backed server', () => {
  let schema: TestSchema
  beforeAll(async () => {
    schema = await createTestSchema()
  })
  afterAll(async () => {
    await schema?.drop()
  })
  qaFlowSuite(() => startPodium({ DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema }))
})
