/**
 * How long an outbox entry that reached this instance from another one (through Redis) may
 * stay undecided before this instance decides it. Each instance decides what its own sockets
 * deliver, and the one an entry reached writes its receipt within a tick or two of it.
 */
export const RELAYED_GRACE_MS = 2_000

/**
 * Outbox entries (or their receipts) another instance changed here, each looked at again
 * RELAYED_GRACE_MS after. The instance an entry reached may stop before it decides it: a
 * drain stops its ingest before it lets its sockets go, a kill can come just after it
 * relayed it. And a receipt two instances wrote at the same time is settled by Yjs, not by
 * version: the other's, of an older version, may win over this one's. The author's device
 * is then synced with this instance, so nothing it sends marks the entry here; without this
 * it would stay without a receipt of its version for as long as the outbox is loaded.
 * `check` gets the entries whose grace is over, and marks those still without one.
 */
export class RelayedEntries {
  /** userId → entry id → when it was relayed here. */
  private readonly waiting = new Map<string, Map<string, number>>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly check: (userId: string, entryIds: string[]) => void,
    private readonly graceMs = RELAYED_GRACE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many authors have relayed entries waiting to be looked at. */
  get size(): number {
    return this.waiting.size
  }

  note(userId: string, entryIds: Iterable<string>): void {
    const at = this.now()
    let entries = this.waiting.get(userId)
    for (const id of entryIds) {
      if (!entries) {
        entries = new Map()
        this.waiting.set(userId, entries)
      }
      // A later relay of the same entry (a newer version) starts its grace again.
      entries.delete(id)
      entries.set(id, at)
    }
    if (entries && !this.timer) this.wake(this.graceMs)
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.waiting.clear()
  }

  private wake(delayMs: number): void {
    this.timer = setTimeout(() => this.due(), delayMs)
    this.timer.unref()
  }

  /** Hands over what is due; waits again for the earliest of the rest. */
  private due(): void {
    this.timer = null
    const now = this.now()
    let next = Number.POSITIVE_INFINITY
    for (const [userId, entries] of [...this.waiting]) {
      const due: string[] = []
      // In the order noted: the first not yet due ends the due ones.
      for (const [id, at] of entries) {
        if (now - at < this.graceMs) {
          next = Math.min(next, at + this.graceMs - now)
          break
        }
        due.push(id)
      }
      for (const id of due) entries.delete(id)
      if (entries.size === 0) this.waiting.delete(userId)
      if (due.length > 0) this.check(userId, due)
    }
    if (next !== Number.POSITIVE_INFINITY) this.wake(Math.max(1, next))
  }
}
