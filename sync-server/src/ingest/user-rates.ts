import { TokenBucket } from '@podium/shared/server'

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
  usedAt: number
}

/**
 * Each user's post and vote allowances, kept apart from their connections and from the
 * session's ingest state, so that neither reconnecting nor the session being unloaded
 * fills them again. A user's buckets are forgotten once they would be full anyway
 * (REFILL_MS after their last use); past `capacity` users, the least recently used go
 * first.
 */
export class UserRates {
  /** In order of last use, oldest first. */
  private readonly users = new Map<string, UserBuckets>()

  constructor(
    private readonly capacity = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.users.size
  }

  /** Takes one of `userId`'s `kind` allowance; false when it is used up. */
  allow(userId: string, kind: RateKind): boolean {
    const now = this.now()
    let user = this.users.get(userId)
    if (user) this.users.delete(userId)
    else {
      user = {
        post: new TokenBucket(RATES.post.perSecond, RATES.post.burst, this.now),
        vote: new TokenBucket(RATES.vote.perSecond, RATES.vote.burst, this.now),
        hand: new TokenBucket(RATES.hand.perSecond, RATES.hand.burst, this.now),
        usedAt: now,
      }
    }
    user.usedAt = now
    this.users.set(userId, user)
    for (const [id, oldest] of this.users) {
      if (this.users.size <= this.capacity && now - oldest.usedAt < REFILL_MS) break
      this.users.delete(id)
    }
    return user[kind].take()
  }
}
