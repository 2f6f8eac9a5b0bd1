import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Document, onLoadDocumentPayload, onStoreDocumentPayload } from '@hocuspocus/server'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { type Db, openDatabase } from '../src/db/connect.ts'
import { COUNT_EVERY, Persistence } from '../src/persistence/extension.ts'
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

describe('Persistence', () => {
  it('keeps a busy document compact while counting its rows only now and then', async () => {
    const compactAfter = 10
    const store = new DocumentStore(db, compactAfter)
    const counted = vi.spyOn(store, 'count')
    const persistence = new Persistence(store, pino({ level: 'silent' }))
    const name = 'session/busy/user/u1'
    const doc = new Y.Doc()
    await persistence.onLoadDocument({
      document: doc as unknown as Document,
      documentName: name,
    } as onLoadDocumentPayload)

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
})
