import { Document } from '@hocuspocus/server'
import { describe, expect, it, vi } from 'vitest'
import { HeldBroadcasts } from '../src/ingest/hold.ts'

describe('held broadcasts', () => {
  it('send nothing until released, however large the held changes grow', () => {
    const doc = new Document('held', { flushDelay: 0 })
    const sent = vi.spyOn(doc, 'getConnections') // each broadcast asks for them
    const held = new HeldBroadcasts()
    held.hold(doc)
    // Past Hocuspocus' 1 MiB batch size, which would otherwise be sent at once.
    for (let i = 0; i < 3; i++) doc.getText('t').insert(0, 'x'.repeat(600_000))
    expect(sent).not.toHaveBeenCalled()
    held.release()
    expect(sent).toHaveBeenCalledTimes(1)
    expect(doc.flushDelay).toBe(0)
    expect(doc.flushMaxBytes).toBe(1024 * 1024)
    doc.destroy()
  })
})

describe('two holders of one document', () => {
  it('keep it held until both release, then give it back its own batching', () => {
    const doc = new Document('nested', { flushDelay: 0 })
    const sent = vi.spyOn(doc, 'getConnections') // each broadcast asks for them
    const tick = new HeldBroadcasts()
    const correction = new HeldBroadcasts()
    tick.hold(doc)
    correction.hold(doc)
    doc.getText('t').insert(0, 'held')
    tick.release()
    expect(sent).not.toHaveBeenCalled()
    correction.release()
    expect(sent).toHaveBeenCalledTimes(1)
    // In the other order too, and never left at the hold's own delay.
    tick.hold(doc)
    correction.hold(doc)
    correction.release()
    tick.release()
    expect(doc.flushDelay).toBe(0)
    doc.destroy()
  })
})
