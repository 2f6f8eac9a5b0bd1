import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Document, onLoadDocumentPayload, onStoreDocumentPayload } from '@hocuspocus/server'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { type Db, openDatabase } from '../src/db/connect.ts'
import { COMPACT_ON_LOAD, COUNT_EVERY, Persistence } from '../src/persistence/extension.ts'
import { DocumentStore } from '../src/persistence/store.ts'

let dir: string
let db: Db
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'podium-persistence-'))
  db = await openDatabase({ kind: 'sqlite', file: join(dir, 'podium.sqlite') })
})
afterAll(async () => {
  await db.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A document stored as `rows` rows (one per change of a writer that keeps appending). */
async function storedInRows(name: string, rows: number) {
  const store = new DocumentStore(db)
  const persistence = new Persistence(store, pino({ level: 'silent' }))
  const writer = new Y.Doc()
  writer.on('update', (update: Uint8Array) => void store.append(name, update))
  for (let i = 0; i < rows; i++) writer.getMap<number>('entries').set(`e${i}`, i)
  await vi.waitFor(async () => expect(await store.count(name)).toBe(rows))
  return { store, persistence, writer }
}

const load = (persistence: Persistence, name: string, doc: Y.Doc) =>
  persistence.onLoadDocument({
    document: doc as unknown as Document,
    documentName: name,
  } as onLoadDocumentPayload)

describe('Persistence', () => {
  it('keeps a busy document compact while counting its rows only now and then', async () => {
    const compactAfter = 10
    const store = new DocumentStore(db, compactAfter)
    const counted = vi.spyOn(store, 'count')
    const persistence = new Persistence(store, pino({ level: 'silent' }))
    const name = 'session/busy/user/u1'
    const doc = new Y.Doc()
    await load(persistence, name, doc)

    const stores = 100
    for (let i = 0; i < stores; i++) {
      doc.getMap<number>('entries').set(`e${i}`, i)
      await persistence.onStoreDocument({ documentName: name } as onStoreDocumentPayload)
      // Never more rows than the threshold plus the stores between two counts.
      expect(await store.count(name)).toBeLessThanOrEqual(compactAfter + COUNT_EVERY)
    }
    // The spy also saw this test's own counts: one per store above.
    expect(counted.mock.calls.length - stores).toBeLessThanOrEqual(
      Math.ceil(stores / COUNT_EVERY) + 1,
    )
    const loaded = new Y.Doc()
    Y.applyUpdate(loaded, (await store.load(name))!)
    expect(loaded.getMap('entries').toJSON()).toEqual(doc.getMap('entries').toJSON())
  })

  it('does not count the rows of a document it has just loaded at its first store', async () => {
    // Loading read them: ten thousand outboxes answering a poll each counted them again.
    const name = 'session/first-store/user/u1'
    const { store, persistence } = await storedInRows(name, 3)
    const counted = vi.spyOn(store, 'count')
    const doc = new Y.Doc()
    await load(persistence, name, doc)
    for (let i = 0; i < COUNT_EVERY - 1; i++) {
      doc.getMap<number>('entries').set(`n${i}`, i)
      await persistence.onStoreDocument({ documentName: name } as onStoreDocumentPayload)
    }
    expect(counted).not.toHaveBeenCalled()
    doc.getMap<number>('entries').set('last', 1)
    await persistence.onStoreDocument({ documentName: name } as onStoreDocumentPayload)
    expect(counted).toHaveBeenCalledTimes(1)
  })

  it('stores a document loaded from many rows back as one, keeping rows appended meanwhile', async () => {
    const name = 'session/many-rows'
    const { store, persistence, writer } = await storedInRows(name, COMPACT_ON_LOAD + 10)
    const doc = new Y.Doc()
    await load(persistence, name, doc)
    expect(doc.getMap('entries').toJSON()).toEqual(writer.getMap('entries').toJSON())
    // One more row, appended while the merged state is being stored back.
    writer.getMap<number>('entries').set('late', -1)
    await vi.waitFor(async () => expect(await store.count(name)).toBe(2))
    const loaded = new Y.Doc()
    Y.applyUpdate(loaded, (await store.load(name))!)
    expect(loaded.getMap('entries').toJSON()).toEqual(writer.getMap('entries').toJSON())
    expect(loaded.getMap('entries').get('late')).toBe(-1)
  })

  it('leaves a document of few rows as it is', async () => {
    const name = 'session/few-rows'
    const { store, persistence } = await storedInRows(name, 3)
    await load(persistence, name, new Y.Doc())
    await new Promise((r) => setTimeout(r, 100))
    expect(await store.count(name)).toBe(3)
  })
})
