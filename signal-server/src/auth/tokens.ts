import type { AccessClaims } from '@podium/shared/token'
import { TokenError, verifyAccessToken } from '@podium/shared/token'
import type { FastifyRequest } from 'fastify'
import { Problem } from '../http/problem.ts'

export type Claims = AccessClaims & { exp: number }

/** Does the session still exist? (sync-server passes its directory; standalone, every session does.) */
export type SessionCheck = (sessionId: string) => Promise<boolean>

export type TokenCheck =
  | { ok: true; claims: Claims }
  | { ok: false; reason: 'missing' | 'expired' | 'invalid' | 'unknown-session' }

/** Verifies an access token; never throws. */
export async function checkToken(
  secret: string,
  token: string | undefined | null,
  sessionExists: SessionCheck,
): Promise<TokenCheck> {
  if (!token) return { ok: false, reason: 'missing' }
  let claims: Claims
  try {
    claims = await verifyAccessToken(secret, token)
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof TokenError && error.code === 'expired' ? 'expired' : 'invalid',
    }
  }
  if (!(await sessionExists(claims.sid))) return { ok: false, reason: 'unknown-session' }
  return { ok: true, claims }
}

const explanation: Record<Exclude<TokenCheck, { ok: true }>['reason'], string> = {
  missing: 'Send your session token as "Authorization: Bearer <token>".',
  expired: 'Your session token has expired; join the session again.',
  invalid: 'The session token is not valid; join the session again.',
  'unknown-session': 'The session of this token no longer exists.',
}

/** The Bearer token's claims, or a 401 problem that says what to do. */
export async function requireBearer(
  request: FastifyRequest,
  secret: string,
  sessionExists: SessionCheck,
): Promise<Claims> {
  const header = request.headers.authorization
  const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined
  const result = await checkToken(secret, token, sessionExists)
  if (!result.ok) throw Problem.unauthorized(explanation[result.reason])
  return result.claims
}
