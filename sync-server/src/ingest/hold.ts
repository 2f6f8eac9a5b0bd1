import type { Document } from '@hocuspocus/server'

/** Longer than any commit takes; release() sends sooner. Were it never called, clients still get the changes then. */
const HOLD_MS = 30_000

/** A held document's own batching, and how many holders hold it. */
interface Hold {
  delay: Document['flushDelay']
  maxBytes: Document['flushMaxBytes']
  holders: number
  /** Resolved when the last holder releases it. */
  released: Promise<void>
  release: () => void
}

const holds = new WeakMap<Document, Hold>()

/**
 * Holds back what documents send to their clients until release().
 *
 * The ingest writes a tick's changes into the live documents and stores them afterwards. Had
 * clients seen the changes first, a crash before the store would leave them with receipts
 * and tallies the restarted server never had (and a read-only client could never hand them
 * back). Hocuspocus batches each document's broadcasts by `flushDelay` (and sends a batch
 * early past `flushMaxBytes`); raising both while the tick stores keeps the batch, and
 * release() sends it at once. Holds nest: a document goes back to its own batching, and
 * sends what was held, when its last holder releases it.
 */
export class HeldBroadcasts {
  private readonly docs = new Set<Document>()

  hold(doc: Document): void {
    if (this.docs.has(doc)) return
    this.docs.add(doc)
    const hold = holds.get(doc)
    if (hold) {
      hold.holders++
      return
    }
    // What clients wrote before this tick goes out now, as it would have anyway.
    doc.flush()
    let release = () => {}
    const released = new Promise<void>((done) => {
      release = done
    })
    holds.set(doc, {
      delay: doc.flushDelay,
      maxBytes: doc.flushMaxBytes,
      holders: 1,
      released,
      release,
    })
    doc.flushDelay = HOLD_MS
    doc.flushMaxBytes = Number.POSITIVE_INFINITY
  }

  release(): void {
    for (const doc of this.docs) {
      const hold = holds.get(doc)
      if (!hold || --hold.holders > 0) continue
      holds.delete(doc)
      doc.flushDelay = hold.delay
      doc.flushMaxBytes = hold.maxBytes
      if (!doc.isDestroyed) doc.flush()
      hold.release()
    }
    this.docs.clear()
  }
}

/** While a document is held: a promise of its release (null when it is not held). */
export function whenReleased(doc: Document): Promise<void> | null {
  return holds.get(doc)?.released ?? null
}
