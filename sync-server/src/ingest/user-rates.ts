import { TokenBucket } from '@podium/shared/server'
import { RecentUsers } from '../limits/recent-users.ts'

/** Allowances per user: posts (questions, replies, edits) and votes. */
export const RATES = {
  post: { perSecond: 0.2, burst: 20 },
  vote: { perSecond: 20, burst: 300 },
  hand: { perSecond: 1, burst: 10 },
} as const
export type RateKind = keyof typeof RATES

/** Buckets untouched this long are full again: forgetting them changes nothing. */
export const REFILL_MS = Math.max(...Object.values(RATES).map((r) => r.burst / r.perSecond)) * 1000

interface UserBuckets {
  post: TokenBucket
  vote: TokenBucket
  hand: TokenBucket
}

/**
 * Each user's post and vote allowances, kept apart from their connections and from the
 * session's ingest state, so that neither reconnecting nor the session being unloaded
 * fills them again. A user's buckets are forgotten once they would be full anyway
 * (REFILL_MS after their last use), and past `capacity` users (RecentUsers).
 */
export class UserRates {
  private readonly users: RecentUsers<UserBuckets>

  constructor(capacity = 50_000, now: () => number = Date.now) {
    this.users = new RecentUsers({
      capacity,
      idleMs: REFILL_MS,
      now,
      create: () => ({
        post: new TokenBucket(RATES.post.perSecond, RATES.post.burst, now),
        vote: new TokenBucket(RATES.vote.perSecond, RATES.vote.burst, now),
        hand: new TokenBucket(RATES.hand.perSecond, RATES.hand.burst, now),
      }),
    })
  }

  get size(): number {
    return this.users.size
  }

  /** Takes one of `userId`'s `kind` allowance; false when it is used up. */
  allow(userId: string, kind: RateKind): boolean {
    return this.users.use(userId)[kind].take()
  }
}
