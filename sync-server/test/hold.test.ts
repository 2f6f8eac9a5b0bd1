import { Document } from '@hocuspocus/server'
import { describe, expect, it, vi } from 'vitest'
import { broadcastGap, HeldBroadcasts } from '../src/ingest/hold.ts'

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

describe('a document read by thousands', () => {
  it('sends its ticks at most once per broadcast gap, and the last one all the same', async () => {
    vi.useFakeTimers({ now: 1_000_000 })
    try {
      expect(broadcastGap(200)).toBe(0)
      expect(broadcastGap(1_562)).toBe(0)
      expect(broadcastGap(3_125)).toBe(500)
      expect(broadcastGap(10_000)).toBe(1_600)
      expect(broadcastGap(1_000_000)).toBe(2_000)
      const doc = new Document('session/s1/public')
      vi.spyOn(doc, 'getConnectionsCount').mockReturnValue(10_000)
      const sent: number[] = []
      const flush = doc.flush.bind(doc)
      const pending = () => (doc as unknown as { pendingUpdates: unknown[] }).pendingUpdates
      // A broadcast is a flush with something to send.
      vi.spyOn(doc, 'flush').mockImplementation(() => {
        if (pending().length > 0) sent.push(Date.now())
        return flush()
      })
      // Ticks every 50 ms for two seconds, each writing and releasing the document.
      for (let i = 0; i < 40; i++) {
        const held = new HeldBroadcasts()
        held.hold(doc)
        doc.getMap('tallies').set('q1', i)
        held.release()
        await vi.advanceTimersByTimeAsync(50)
      }
      await vi.advanceTimersByTimeAsync(2_000)
      const gaps = sent.slice(1).map((at, i) => at - (sent[i] ?? 0))
      expect(sent.length).toBeLessThanOrEqual(3)
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_600)
      // The last tick's change went out: nothing is left waiting.
      expect(pending()).toHaveLength(0)
      expect(sent.at(-1)).toBeGreaterThanOrEqual(1_000_000 + 39 * 50)
      doc.destroy()
    } finally {
      vi.useRealTimers()
    }
  })

  it('a small room’s ticks go out as they are stored', () => {
    const doc = new Document('session/s2/public')
    vi.spyOn(doc, 'getConnectionsCount').mockReturnValue(500)
    const flush = vi.spyOn(doc, 'flush')
    for (let i = 0; i < 3; i++) {
      const held = new HeldBroadcasts()
      held.hold(doc)
      doc.getMap('tallies').set('q1', i)
      held.release()
    }
    // Once at each hold (what clients wrote before it) and once at each release.
    expect(flush).toHaveBeenCalledTimes(6)
    doc.destroy()
  })
})
