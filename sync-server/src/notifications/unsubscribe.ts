import { createHmac, timingSafeEqual } from 'node:crypto'
import { NOTIFICATION_KINDS, type NotificationKind } from '@podium/shared'
import type { Clock } from './queue.ts'

/** How long an unsubscribe link in a mail works (mail is read late, and kept). */
export const UNSUBSCRIBE_TTL_MS = 180 * 24 * 3_600_000

export interface UnsubscribeClaims {
  email: string
  kind: NotificationKind
  /** The account the mail went to, when it went to one. */
  accountId: string | null
  expiresAt: number
}

export type UnsubscribeRefusal = 'forged' | 'expired'

/**
 * Signed unsubscribe links: they work without signing in, for one address and one kind
 * of message, and nobody can make one for someone else's address. HMAC-SHA256 with a key
 * drawn from TOKEN_SECRET for this purpose only.
 */
export class UnsubscribeTokens {
  private readonly key: Buffer

  constructor(
    tokenSecret: string,
    private readonly clock: Clock,
  ) {
    this.key = createHmac('sha256', tokenSecret).update('podium unsubscribe links').digest()
  }

  sign(email: string, kind: NotificationKind, accountId: string | null): string {
    const payload = Buffer.from(
      JSON.stringify({ e: email, k: kind, a: accountId, x: this.clock() + UNSUBSCRIBE_TTL_MS }),
    ).toString('base64url')
    return `${payload}.${this.mac(payload)}`
  }

  verify(token: string): UnsubscribeClaims | { refused: UnsubscribeRefusal } {
    const [payload, mac, extra] = token.split('.')
    if (!payload || !mac || extra !== undefined) return { refused: 'forged' }
    const expected = Buffer.from(this.mac(payload))
    const given = Buffer.from(mac)
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { refused: 'forged' }
    let claims: { e?: unknown; k?: unknown; a?: unknown; x?: unknown }
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    } catch {
      return { refused: 'forged' }
    }
    const { e, k, a, x } = claims
    if (
      typeof e !== 'string' ||
      typeof x !== 'number' ||
      !NOTIFICATION_KINDS.includes(k as NotificationKind) ||
      (a !== null && typeof a !== 'string')
    )
      return { refused: 'forged' }
    if (x <= this.clock()) return { refused: 'expired' }
    return { email: e, kind: k as NotificationKind, accountId: a, expiresAt: x }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url')
  }
}
