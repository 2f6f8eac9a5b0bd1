import type { UserUpdate } from './outbox-step.ts'
import type { IngestBatch, IngestRepository, Stored, UserState } from './repository.ts'

/**
 * What the ingest knows of each author in a session: the entries decided for them and the
 * questions they vote on, read from the database once and kept up to date by every stored
 * tick. The database is the truth; this saves reading it on every tick.
 */
export class UserStates {
  private readonly known = new Map<string, UserState>()
  private readonly loading = new Map<string, Promise<UserState>>()
  /** Per user, how many stores have changed what the database knows of them. */
  private readonly storedFor = new Map<string, number>()

  constructor(
    private readonly sessionId: string,
    private readonly repo: IngestRepository,
  ) {}

  get loadingCount(): number {
    return this.loading.size
  }

  /** The user's state, read once (one read at a time per user). */
  get(userId: string): Promise<UserState> {
    const known = this.known.get(userId)
    if (known) return Promise.resolve(known)
    return this.loading.get(userId) ?? this.track(userId, this.loadAfterStores(userId))
  }

  /** A read of the user's state under way: kept once read, forgotten if it fails (the next tick reads again). */
  private track(userId: string, read: Promise<UserState>): Promise<UserState> {
    const loading = read.then(
      (state) => {
        this.known.set(userId, state)
        this.loading.delete(userId)
        return state
      },
      (error: unknown) => {
        this.loading.delete(userId)
        throw error
      },
    )
    this.loading.set(userId, loading)
    return loading
  }

  /**
   * Reads the states of those of these users not known yet in one batch (get() then finds
   * them loading). A user a store changed meanwhile is read again alone, as get() would.
   */
  async prefetch(userIds: Iterable<string>): Promise<void> {
    const missing = [...userIds].filter((id) => !this.known.has(id) && !this.loading.has(id))
    // One alone is get()'s to read.
    if (missing.length < 2) return
    const before = new Map(missing.map((id) => [id, this.storedFor.get(id) ?? 0]))
    const batch = this.repo.loadUsers(this.sessionId, missing)
    for (const userId of missing) {
      const read = batch.then((states) =>
        (this.storedFor.get(userId) ?? 0) === before.get(userId)
          ? (states.get(userId) as UserState)
          : this.loadAfterStores(userId),
      )
      // A failure is each user's get() to report (the tick that waits on it fails).
      this.track(userId, read).catch(() => {})
    }
    await batch.catch(() => {})
  }

  /** The user's outbox is gone from this instance: read them again when it comes back. */
  forget(userId: string): void {
    this.known.delete(userId)
  }

  /**
   * What a stored tick decided, kept for the ticks that follow. A first decision the commit
   * did not store (the entry had one: another instance decided it meanwhile) is not kept:
   * the next scan finds the stored one and writes its receipt.
   */
  stored(updates: UserUpdate[], batch: IngestBatch, result: Stored): void {
    const before = new Set(result.decidedBefore.map((d) => `${d.userId}\u0000${d.entryId}`))
    for (const u of new Set([
      ...updates.map((u) => u.userId),
      ...batch.decided.map((d) => d.userId),
    ]))
      this.storedFor.set(u, (this.storedFor.get(u) ?? 0) + 1)
    // A vote a newer version had overtaken left the row as that version wanted, which the
    // tick's copy of the user's votes does not know: their state is read again when next
    // needed, or the next vote would be counted from a wrong belief.
    const outdated = new Set(result.votesOutdated.map((v) => v.userId))
    for (const { userId, state, votes } of updates) {
      if (outdated.has(userId)) {
        this.known.delete(userId)
        continue
      }
      state.votes = votes
      // A state loaded again while this tick stored (its author reconnected) learns it too.
      const current = this.known.get(userId)
      if (current && current !== state) current.votes = new Set(votes)
    }
    for (const d of batch.decided) {
      if (before.has(`${d.userId}\u0000${d.entryId}`)) continue
      this.known.get(d.userId)?.decided.set(d.entryId, {
        seq: d.seq,
        status: d.status,
        reason: d.reason,
        detail: d.detail,
      })
    }
  }

  /**
   * Reads a user's state from the database, again if a tick stored decisions of theirs
   * meanwhile: a state read before that store (the author reconnected while it ran) would
   * have the tick's entries decided a second time.
   */
  private async loadAfterStores(userId: string): Promise<UserState> {
    for (;;) {
      const before = this.storedFor.get(userId) ?? 0
      const state = await this.repo.loadUser(this.sessionId, userId)
      if ((this.storedFor.get(userId) ?? 0) === before) return state
    }
  }
}
