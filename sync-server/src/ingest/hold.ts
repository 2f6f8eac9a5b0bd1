import type { Document } from '@hocuspocus/server'

/** Longer than any commit takes; release() sends sooner. Were it never called, clients still get the changes then. */
const HOLD_MS = 30_000

/**
 * Holds back what documents send to their clients until release().
 *
 * The ingest writes a tick's changes into the live documents and stores them afterwards. Had
 * clients seen the changes first, a crash before the store would leave them with receipts
 * and tallies the restarted server never had (and a read-only client could never hand them
 * back). Hocuspocus batches each document's broadcasts by `flushDelay`; raising it while the
 * tick stores keeps the batch, and release() sends it at once.
 */
export class HeldBroadcasts {
  private readonly held = new Map<Document, Document['flushDelay']>()

  hold(doc: Document): void {
    if (this.held.has(doc)) return
    // What clients wrote before this tick goes out now, as it would have anyway.
    doc.flush()
    this.held.set(doc, doc.flushDelay)
    doc.flushDelay = HOLD_MS
  }

  release(): void {
    for (const [doc, delay] of this.held) {
      doc.flushDelay = delay
      if (!doc.isDestroyed) doc.flush()
    }
    this.held.clear()
  }
}
