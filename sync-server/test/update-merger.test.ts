import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Document, onLoadDocumentPayload, onStoreDocumentPayload } from '@hocuspocus/server'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { type Db, openDatabase } from '../src/db/connect.ts'
import { Persistence } from '../src/persistence/extension.ts'
import { MERGE_INLINE_BYTES, UpdateMerger } from '../src/persistence/merge.ts'
import { DocumentStore } from '../src/persistence/store.ts'

/** Updates of about `bytes` in all, as a writer of many entries makes them. */
function updates(bytes: number): Uint8Array[] {
  const doc = new Y.Doc()
  const out: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => out.push(u))
  let size = 0
  for (let i = 0; size < bytes; i++) {
    doc.getMap<string>('entries').set(`e${i}`, `value ${i} `.repeat(20))
    size += out.at(-1)!.byteLength
  }
  return out
}

const stateOf = (update: Uint8Array) => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return doc.getMap('entries').toJSON()
}

let dir: string
let db: Db
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'podium-merger-'))
  db = await openDatabase({ kind: 'sqlite', file: join(dir, 'podium.sqlite') })
})
afterAll(async () => {
  await db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('UpdateMerger', () => {
  it('merges big lists on its worker, leaving the thread free, and small ones here', async () => {
    const merger = new UpdateMerger()
    try {
      const big = updates(MERGE_INLINE_BYTES * 4)
      // The thread keeps turning while the worker merges: immediates run before it answers.
      let turns = 0
      let turning = true
      const turn = () => {
        turns++
        if (turning) setImmediate(turn)
      }
      setImmediate(turn)
      const merged = await merger.merge(big)
      turning = false
      expect(turns).toBeGreaterThan(0)
      expect(merger.merged).toEqual({ inline: 0, worker: 1 })
      expect(stateOf(merged)).toEqual(stateOf(Y.mergeUpdates(big)))

      const small = updates(1_000)
      expect(stateOf(await merger.merge(small))).toEqual(stateOf(Y.mergeUpdates(small)))
      expect(merger.merged).toEqual({ inline: 1, worker: 1 })
      // One update is already merged.
      expect(await merger.merge([big[0]!])).toBe(big[0])
    } finally {
      await merger.close()
    }
  })

  it('refuses bytes that are not updates with an error, and keeps working', async () => {
    const merger = new UpdateMerger()
    try {
      const garbage = [new Uint8Array(MERGE_INLINE_BYTES).fill(255), new Uint8Array(10).fill(7)]
      await expect(merger.merge(garbage)).rejects.toThrow(/merging updates failed/)
      const big = updates(MERGE_INLINE_BYTES * 2)
      expect(stateOf(await merger.merge(big))).toEqual(stateOf(Y.mergeUpdates(big)))
    } finally {
      await merger.close()
    }
  })

  it('fails what is waiting when closed, and merges here afterwards', async () => {
    const merger = new UpdateMerger()
    const big = updates(MERGE_INLINE_BYTES * 8)
    const waiting = merger.merge(big)
    await merger.close()
    await expect(waiting).rejects.toThrow(/closed/)
    expect(stateOf(await merger.merge(big))).toEqual(stateOf(Y.mergeUpdates(big)))
    expect(merger.merged.inline).toBe(1)
  })

  it('loses nothing when a merge fails: the next store stores the updates', async () => {
    const name = 'session/merge-fails'
    let failing = true
    const real = new UpdateMerger()
    const merger = {
      merge: (u: Uint8Array[]) =>
        failing ? Promise.reject(new Error('worker gone')) : real.merge(u),
    } as UpdateMerger
    const store = new DocumentStore(db, 200, merger)
    const persistence = new Persistence(store, pino({ level: 'silent' }))
    const doc = new Y.Doc()
    await persistence.onLoadDocument({
      document: doc as unknown as Document,
      documentName: name,
    } as onLoadDocumentPayload)
    doc.getMap<number>('entries').set('a', 1)
    doc.getMap<number>('entries').set('b', 2)
    const storeNow = () =>
      persistence.onStoreDocument({ documentName: name } as onStoreDocumentPayload)

    await expect(storeNow()).rejects.toThrow(/worker gone/)
    expect(await store.load(name)).toBeNull()
    failing = false
    doc.getMap<number>('entries').set('c', 3)
    await storeNow()
    expect(stateOf((await store.load(name))!)).toEqual({ a: 1, b: 2, c: 3 })
    await real.close()
  })
})
