import { REACTION_RATE } from '@podium/shared'
import { TokenBucket } from '@podium/shared/server'

/** A user's bucket untouched this long is full again: forgetting it changes nothing. */
const REFILL_MS = (REACTION_RATE.burst / REACTION_RATE.perSecond) * 1000

/**
 * Each user's reaction allowance (REACTION_RATE), kept per user rather than per
 * connection, so reconnecting or opening a second tab does not fill it again. Past
 * `capacity` users, or once a bucket would be full anyway, the least recently used go.
 */
export class ReactionRates {
  /** In order of last use, oldest first. */
  private readonly users = new Map<string, { bucket: TokenBucket; usedAt: number }>()

  constructor(
    private readonly capacity = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.users.size
  }

  /** Takes one reaction of `key`'s allowance (session and user); false when it is used up. */
  allow(key: string): boolean {
    const now = this.now()
    let user = this.users.get(key)
    if (user) this.users.delete(key)
    else
      user = {
        bucket: new TokenBucket(REACTION_RATE.perSecond, REACTION_RATE.burst, this.now),
        usedAt: now,
      }
    user.usedAt = now
    this.users.set(key, user)
    for (const [id, oldest] of this.users) {
      if (this.users.size <= this.capacity && now - oldest.usedAt < REFILL_MS) break
      this.users.delete(id)
    }
    return user.bucket.take()
  }
}
