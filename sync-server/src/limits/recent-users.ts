/**
 * Per-user state kept while it matters: an entry untouched for `idleMs` is forgotten (its
 * owner's allowance is full again by then, so forgetting changes nothing), and past
 * `capacity` users the longest-known go first.
 *
 * Idle entries are swept at most once every `idleMs`, not looked for on each use. Keeping
 * the map in order of last use (deleting and adding the key on every use) left a deleted
 * slot behind each time; with 10,000 people reacting every second, walking past those to
 * the oldest entry took an eighth of the server's time.
 */
export class RecentUsers<T> {
  private readonly entries = new Map<string, { value: T; usedAt: number }>()
  private sweptAt: number

  constructor(
    private readonly options: {
      capacity: number
      idleMs: number
      now: () => number
      create: () => T
    },
  ) {
    this.sweptAt = options.now()
  }

  get size(): number {
    return this.entries.size
  }

  /** `key`'s state, made when it is new (or was forgotten); marked as used now. */
  use(key: string): T {
    const now = this.options.now()
    if (now - this.sweptAt >= this.options.idleMs) this.sweep(now)
    let entry = this.entries.get(key)
    if (!entry) {
      for (const oldest of this.entries.keys()) {
        if (this.entries.size < this.options.capacity) break
        this.entries.delete(oldest)
      }
      entry = { value: this.options.create(), usedAt: now }
      this.entries.set(key, entry)
    }
    entry.usedAt = now
    return entry.value
  }

  private sweep(now: number): void {
    this.sweptAt = now
    for (const [key, entry] of this.entries)
      if (now - entry.usedAt >= this.options.idleMs) this.entries.delete(key)
  }
}
