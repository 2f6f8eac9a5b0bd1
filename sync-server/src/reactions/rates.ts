import { REACTION_RATE } from '@podium/shared'
import { TokenBucket } from '@podium/shared/server'
import { RecentUsers } from '../limits/recent-users.ts'

/** A user's bucket untouched this long is full again: forgetting it changes nothing. */
const REFILL_MS = (REACTION_RATE.burst / REACTION_RATE.perSecond) * 1000

/**
 * Each user's reaction allowance (REACTION_RATE), kept per user rather than per
 * connection, so reconnecting or opening a second tab does not fill it again. Buckets are
 * forgotten once full again, and past `capacity` users (RecentUsers).
 */
export class ReactionRates {
  private readonly users: RecentUsers<TokenBucket>

  constructor(capacity = 50_000, now: () => number = Date.now) {
    this.users = new RecentUsers({
      capacity,
      idleMs: REFILL_MS,
      now,
      create: () => new TokenBucket(REACTION_RATE.perSecond, REACTION_RATE.burst, now),
    })
  }

  get size(): number {
    return this.users.size
  }

  /** Takes one reaction of `key`'s allowance (session and user); false when it is used up. */
  allow(key: string): boolean {
    return this.users.use(key).take()
  }
}
