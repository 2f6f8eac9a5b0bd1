import { createHmac } from 'node:crypto'

/** What signal-server needs to know about TURN (the same fields sync-server's config has). */
export interface TurnConfig {
  /** coturn's `static-auth-secret`; without it no TURN server is offered. */
  secret: string | undefined
  urls: string[]
  stunUrls: string[]
  ttlSeconds: number
}

export interface TurnCredential {
  username: string
  credential: string
  /** Seconds since the epoch after which coturn refuses the credential. */
  expiresAt: number
}

/**
 * TURN REST API credentials (coturn `use-auth-secret`): the username is
 * `<expiry unix time>:<user id>` and the password is the base64 HMAC-SHA1 of the
 * username keyed with the shared secret. coturn recomputes the HMAC and refuses the
 * username once its time has passed, so nothing is stored per user.
 */
export function turnCredential(
  secret: string,
  userId: string,
  ttlSeconds: number,
  nowMs = Date.now(),
): TurnCredential {
  const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds
  const username = `${expiresAt}:${userId}`
  const credential = createHmac('sha1', secret).update(username).digest('base64')
  return { username, credential, expiresAt }
}

export interface IceServerEntry {
  urls: string[]
  username?: string
  credential?: string
}

/** STUN entries as configured, and TURN entries with a fresh credential when a secret is set. */
export function iceServersFor(
  turn: TurnConfig,
  userId: string,
  nowMs = Date.now(),
): { iceServers: IceServerEntry[]; expiresAt: number | null } {
  const iceServers: IceServerEntry[] = []
  if (turn.stunUrls.length > 0) iceServers.push({ urls: turn.stunUrls })
  if (!turn.secret || turn.urls.length === 0) return { iceServers, expiresAt: null }
  const { username, credential, expiresAt } = turnCredential(
    turn.secret,
    userId,
    turn.ttlSeconds,
    nowMs,
  )
  iceServers.push({ urls: turn.urls, username, credential })
  return { iceServers, expiresAt: expiresAt * 1000 }
}
