import type { beforeSyncPayload } from '@hocuspocus/server'
import { Document } from '@hocuspocus/server'
import { PublicDoc } from '@podium/shared'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { type Db, openDatabase } from '../src/db/connect.ts'
import { CatchUp } from '../src/persistence/catch-up.ts'
import { DocumentStore } from '../src/persistence/store.ts'

// An instance that stored a change and showed it to a read-only client, then died before
// Redis carried it to this instance: the client's sync step has it, this copy has not.
const NAME = 'session/s1'
let db: Db
let store: DocumentStore
let now: number
let catchUp: CatchUp

beforeEach(async () => {
  db = await openDatabase({ kind: 'sqlite', file: ':memory:' })
  store = new DocumentStore(db)
  now = 1_000
  catchUp = new CatchUp(store, pino({ level: 'silent' }), 2_000, () => now)
})
afterEach(async () => {
  await db.close()
})

/** This instance's copy, with a question, stored. */
async function loaded(): Promise<Document> {
  const doc = new Document(NAME)
  new PublicDoc(doc).putQuestion({
    id: 'q1',
    text: 'Counted by whom?',
    authorId: null,
    authorName: null,
    createdAt: 1,
    votes: 0,
    pinned: false,
    answered: false,
    hidden: false,
    status: 'published',
    labels: [],
  } as never)
  await store.append(NAME, Y.encodeStateAsUpdate(doc))
  return doc
}

/** What the other instance wrote over this copy's state: stored, and held by the client. */
async function writtenElsewhere(doc: Y.Doc, votes: number): Promise<Uint8Array> {
  const other = new Y.Doc()
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
  const before = Y.encodeStateVector(other)
  new PublicDoc(other).setVoteCounts([['q1', votes]])
  const update = Y.encodeStateAsUpdate(other, before)
  await store.append(NAME, update)
  return update
}

const step2 = (doc: Document, update: Uint8Array, readOnly = true) =>
  catchUp.beforeSync({
    connection: { readOnly },
    document: doc,
    documentName: NAME,
    type: 1,
    payload: update,
  } as unknown as beforeSyncPayload)

describe('catching up from storage', () => {
  it("merges the stored state when a read-only client's sync step has what this copy lacks", async () => {
    const doc = await loaded()
    const lost = await writtenElsewhere(doc, 42)
    expect(new PublicDoc(doc).voteCount('q1')).toBe(0)
    await step2(doc, lost)
    expect(new PublicDoc(doc).voteCount('q1')).toBe(42)
    // Now the client's step is contained: Hocuspocus tells it it is synced.
    expect(Y.snapshotContainsUpdate(Y.snapshot(doc), lost)).toBe(true)
    // And what this instance writes next is built on it, so it wins everywhere.
    new PublicDoc(doc).setVoteCounts([['q1', 1]])
    const client = new Y.Doc()
    Y.applyUpdate(client, lost)
    Y.applyUpdate(client, Y.encodeStateAsUpdate(doc))
    expect(new PublicDoc(client).voteCount('q1')).toBe(1)
  })

  it('reads nothing for a writer, a step it has, or within the gap after a read', async () => {
    const doc = await loaded()
    const reads: string[] = []
    const load = store.load.bind(store)
    store.load = (name) => {
      reads.push(name)
      return load(name)
    }
    const lost = await writtenElsewhere(doc, 42)
    // A writer's sync step is applied as it is; one this copy has needs nothing.
    await step2(doc, lost, false)
    await step2(doc, Y.encodeStateAsUpdate(doc))
    expect(reads).toEqual([])
    // Two clients at once: one read.
    await Promise.all([step2(doc, lost), step2(doc, lost)])
    expect(reads).toEqual([NAME])
    // Content the storage never had (a staff edit lost in the kill): read again only after
    // the gap, not on every sync step.
    const never = new Y.Doc()
    Y.applyUpdate(never, Y.encodeStateAsUpdate(doc))
    const sv = Y.encodeStateVector(never)
    new PublicDoc(never).setVoteCounts([['q1', 7]])
    const unstored = Y.encodeStateAsUpdate(never, sv)
    now += 1_000
    await step2(doc, unstored)
    expect(reads).toHaveLength(1)
    now += 1_500
    await step2(doc, unstored)
    expect(reads).toHaveLength(2)
  })
})
