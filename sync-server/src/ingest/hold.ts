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
    // What clients wrote before this tick goes out now, as it would have anyway; what an
    // earlier tick wrote and pacing holds back goes out with this one.
    if (!paced.has(doc)) sendNow(doc)
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
      if (!doc.isDestroyed) sendPaced(doc)
      hold.release()
    }
    this.docs.clear()
  }
}

/** While a document is held: a promise of its release (null when it is not held). */
export function whenReleased(doc: Document): Promise<void> | null {
  return holds.get(doc)?.released ?? null
}

/**
 * The least time between two ticks' broadcasts of a document with `readers` connections.
 * Each broadcast is one message to each reader, about 17 µs of the server's time each
 * (measured on loopback, where a send also pays for its receipt): 0.16 ms per reader keeps
 * a document's broadcasts near an eighth of a core however many read it. At 0.08 ms (a
 * quarter of a core) a 10,000-attendee poll storm left too little of the core for the
 * answers themselves: they queued, and the projector's results with them. Below 250 ms
 * (1,562 readers) ticks go out as they are stored; past that, a tick stored sooner goes
 * out with the next broadcast (at most 2 s later).
 */
export function broadcastGap(readers: number): number {
  const gap = readers * PACING_MS_PER_READER
  return gap < PACING_FROM_MS ? 0 : Math.min(gap, PACING_MAX_MS)
}
export const PACING_MS_PER_READER = 0.16
export const PACING_FROM_MS = 250
export const PACING_MAX_MS = 2_000

/** When each document's last broadcast went out (server clock). */
const sentAt = new WeakMap<Document, number>()
/** Documents whose stored changes wait for their broadcast gap to pass. */
const paced = new WeakMap<Document, NodeJS.Timeout>()

function sendNow(doc: Document): void {
  const timer = paced.get(doc)
  if (timer) clearTimeout(timer)
  paced.delete(doc)
  doc.flush()
  sentAt.set(doc, Date.now())
}

/**
 * Sends what a tick stored: now, or, for a document read by thousands, once its broadcast
 * gap has passed since the last. A poll or vote storm's ticks, 20 a second, each changing
 * results or tallies, were 20 broadcasts a second to every reader: at 10,000 readers that
 * is more than the whole core, and every tick's answers waited behind the sends.
 */
function sendPaced(doc: Document): void {
  if (paced.has(doc)) return
  const wait =
    (sentAt.get(doc) ?? Number.NEGATIVE_INFINITY) +
    broadcastGap(doc.getConnectionsCount()) -
    Date.now()
  if (wait <= 0) {
    sendNow(doc)
    return
  }
  paced.set(
    doc,
    setTimeout(() => {
      paced.delete(doc)
      // Held again meanwhile: that hold's release sends it.
      if (!doc.isDestroyed && !holds.has(doc)) sendNow(doc)
    }, wait),
  )
}
