import { Hocuspocus } from '@hocuspocus/server'
import { ModDoc, PublicDoc } from '@podium/shared'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { type Opened, SessionDocuments } from '../src/ingest/documents.ts'
import { UnloadGuard } from '../src/sync/unload-guard.ts'

// The documents a session's ticks write, on a real Hocuspocus without a socket: the copy
// loaded here, one opened and kept, one opened for a tick only after stop, and the scrub
// of nameless authors made once per loaded copy.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function setUp(keepOpenMs = 60_000) {
  const hocuspocus = new Hocuspocus({ quiet: true })
  const state = { stopped: false }
  const documents = new SessionDocuments({
    hocuspocus,
    guard: new UnloadGuard(),
    keepOpenMs,
    running: () => null,
    stopped: () => state.stopped,
  })
  return { hocuspocus, state, documents }
}

let cleanUp: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const clean of cleanUp) await clean()
  cleanUp = []
})

describe('a session’s documents', () => {
  it('uses the loaded copy, and keeps one it opened itself open across ticks', async () => {
    const { hocuspocus, documents } = setUp()
    cleanUp.push(() => documents.closeAll())
    expect(documents.loaded('session/s')).toBeUndefined()
    const held = await hocuspocus.openDirectConnection('session/s')
    cleanUp.push(() => held.disconnect())
    const opened: Opened = []
    expect(await documents.open('session/s', opened)).toBe(held.document)
    expect(documents.loaded('session/s')).toBe(held.document)

    const mod = await documents.open('session/s/mod', opened)
    expect(await documents.open('session/s/mod', opened)).toBe(mod)
    expect(opened).toEqual([])
    expect(hocuspocus.documents.get('session/s/mod')).toBe(mod)
    await documents.closeAll()
    await sleep(10)
    expect(hocuspocus.documents.has('session/s/mod')).toBe(false)
  })

  it('closes what it opens after stop with the tick, and what it keeps after keepOpenMs', async () => {
    const { hocuspocus, state, documents } = setUp(50)
    const kept = await documents.open('session/s/mod', [])
    expect(kept.isDestroyed).toBe(false)
    // Closed once 50 ms pass without a use; under load the timer may run late, never never.
    const until = Date.now() + 5_000
    while (hocuspocus.documents.has('session/s/mod') && Date.now() < until) await sleep(10)
    expect(hocuspocus.documents.has('session/s/mod')).toBe(false)

    state.stopped = true
    let seen: boolean | null = null
    await documents.withOpen('session/s', async (doc) => {
      seen = hocuspocus.documents.get('session/s') === doc
    })
    expect(seen).toBe(true)
    await sleep(10)
    expect(hocuspocus.documents.has('session/s')).toBe(false)
  })

  it('scrubs nameless authors once per loaded copy', () => {
    const { documents } = setUp()
    const pub = new PublicDoc(new Y.Doc())
    const mod = new ModDoc(new Y.Doc())
    const plan = {
      publicOps: [] as Array<(p: PublicDoc) => void>,
      modOps: [] as Array<(m: ModDoc) => void>,
    }
    documents.forgetNamelessAuthors(pub, mod, plan)
    expect([plan.publicOps.length, plan.modOps.length]).toEqual([1, 1])
    // Not yet applied: the next tick plans the scrub again.
    documents.forgetNamelessAuthors(pub, null, plan)
    expect([plan.publicOps.length, plan.modOps.length]).toEqual([2, 1])
    for (const op of plan.publicOps) op(pub)
    for (const op of plan.modOps) op(mod)

    const next = {
      publicOps: [] as Array<(p: PublicDoc) => void>,
      modOps: [] as Array<(m: ModDoc) => void>,
    }
    documents.forgetNamelessAuthors(pub, mod, next)
    expect([next.publicOps.length, next.modOps.length]).toEqual([0, 0])
    // A copy loaded again is a new document: scrubbed again.
    documents.forgetNamelessAuthors(new PublicDoc(new Y.Doc()), mod, next)
    expect([next.publicOps.length, next.modOps.length]).toEqual([1, 0])
  })
})
