import { type AccessClaims, verifyAccessToken } from '@podium/shared/token'

type Verified = AccessClaims & { exp: number }

/**
 * Access tokens already verified, for a short while. A client opens several documents
 * over one socket (an attendee: the public document and the outbox), each presenting
 * the same token; checking its signature once is enough. Entries end with the token
 * (its `exp`) or after `ttlMs`, whichever is first; the oldest go first when full.
 * Failures are not kept: a bad token is checked, and refused, every time.
 */
export class VerifiedTokens {
  private readonly verified = new Map<string, { claims: Verified; until: number }>()

  constructor(
    private readonly secret: string,
    private readonly ttlMs = 30_000,
    private readonly capacity = 20_000,
    private readonly check: (
      secret: string,
      token: string,
    ) => Promise<Verified> = verifyAccessToken,
  ) {}

  get size(): number {
    return this.verified.size
  }

  async verify(token: string): Promise<Verified> {
    const now = Date.now()
    const known = this.verified.get(token)
    if (known && now < known.until) return known.claims
    if (known) this.verified.delete(token)
    const claims = await this.check(this.secret, token)
    // Oldest first: drop what has run out, and make room when full, so the cache holds
    // only the last moments' tokens and does not grow with everyone who ever joined.
    for (const [oldest, entry] of this.verified) {
      if (entry.until > now && this.verified.size < this.capacity) break
      this.verified.delete(oldest)
    }
    this.verified.set(token, { claims, until: Math.min(now + this.ttlMs, claims.exp * 1000) })
    return claims
  }
}
