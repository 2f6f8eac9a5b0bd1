import type { Document } from '@hocuspocus/server'
import * as Y from 'yjs'

interface Tracked {
  /** At least the document's encoded size: measured, plus every byte written since. */
  bytes: number
}

/** Whether a transaction origin is a client connection (whose writes are counted as they arrive). */
function byClient(origin: unknown): boolean {
  return (
    typeof origin === 'object' &&
    origin !== null &&
    (origin as { source?: string }).source === 'connection'
  )
}

/**
 * How large each loaded outbox is, kept with the document itself, so a size does not
 * start again when its owner reconnects (a new copy loaded from the database is measured
 * anew). The whole document counts: every map, the server's receipts included.
 *
 * Encoding a document to measure it is not done per update: the running size is the
 * measure plus every byte written since (what clients send, as they send it; what the
 * server or another instance writes, as it is applied). It only overstates (values
 * written over shrink to tombstones), so the document is measured again only when the
 * running size would pass the cap.
 */
export class OutboxSizes {
  private readonly sizes = new WeakMap<Document, Tracked>()

  constructor(readonly maxBytes: number) {}

  /**
   * Takes `incoming` bytes a client is about to write to `document`; false (and nothing
   * counted) when the document would grow past the cap.
   */
  take(document: Document, incoming: number): boolean {
    const tracked = this.sizes.get(document) ?? this.track(document)
    if (tracked.bytes + incoming > this.maxBytes) {
      tracked.bytes = Y.encodeStateAsUpdate(document).byteLength
      if (tracked.bytes + incoming > this.maxBytes) return false
    }
    tracked.bytes += incoming
    return true
  }

  private track(document: Document): Tracked {
    const tracked = { bytes: Y.encodeStateAsUpdate(document).byteLength }
    document.on('update', (update: Uint8Array, origin: unknown) => {
      if (!byClient(origin)) tracked.bytes += update.byteLength
    })
    this.sizes.set(document, tracked)
    return tracked
  }
}
