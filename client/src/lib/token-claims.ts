/** What the client reads of a token it holds: when it ends, and whose it is. */
export interface TokenClaims {
  /** Seconds since the epoch. */
  exp: number | null
  /** The account the participant belongs to (a session token issued signed in). */
  acc: string | null
  /** The signed-in device it was issued to. */
  dev: string | null
  /** The participant's display name (session tokens). */
  name: string | null
}

/**
 * Reads a JWT's claims without checking its signature: only the server can do that, and
 * does. The client only needs to know when to renew a token and whether it can.
 */
export function tokenClaims(token: string): TokenClaims | null {
  const part = token.split('.')[1]
  if (!part) return null
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/')
    const text = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='))
    const claims: unknown = JSON.parse(text)
    if (typeof claims !== 'object' || claims === null) return null
    const c = claims as Record<string, unknown>
    return {
      exp: typeof c.exp === 'number' ? c.exp : null,
      acc: typeof c.acc === 'string' ? c.acc : null,
      dev: typeof c.dev === 'string' ? c.dev : null,
      name: typeof c.name === 'string' ? c.name : null,
    }
  } catch {
    return null
  }
}

/** Milliseconds until the token ends (negative once it has), or Infinity if it does not say. */
export function msUntilExpiry(token: string, now: number = Date.now()): number {
  const exp = tokenClaims(token)?.exp
  return exp == null ? Number.POSITIVE_INFINITY : exp * 1000 - now
}
