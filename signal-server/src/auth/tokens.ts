import type { Standing } from '@podium/shared'
import type { AccessClaims } from '@podium/shared/token'
import { TokenError, verifyAccessToken } from '@podium/shared/token'
import type { FastifyRequest } from 'fastify'
import { Problem } from '../http/problem.ts'

export type Claims = AccessClaims & { exp: number }

/**
 * Whether a token's holder still stands: its session exists, and a staff role was not
 * withdrawn since the token was signed. Mounted, the sync-server passes its directory;
 * standalone, it is read from the sync-server's database (standing/database.ts).
 */
export type StandingCheck = (claims: Claims) => Promise<Standing>

export type TokenCheck =
  | { ok: true; claims: Claims }
  | { ok: false; reason: 'missing' | 'expired' | 'invalid' | Exclude<Standing, 'ok'> }

/** Verifies an access token; never throws. */
export async function checkToken(
  secret: string,
  token: string | undefined | null,
  standing: StandingCheck,
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
  const stands = await standing(claims)
  if (stands !== 'ok') return { ok: false, reason: stands }
  return { ok: true, claims }
}

const explanation: Record<Exclude<TokenCheck, { ok: true }>['reason'], string> = {
  missing: 'Send your session token as "Authorization: Bearer <token>".',
  expired: 'Your session token has expired; join the session again.',
  invalid: 'The session token is not valid; join the session again.',
  'unknown-session': 'The session of this token no longer exists.',
  revoked:
    'The host has withdrawn your role in this session. Ask them for a new invite, or join again with the session code.',
}

/** The Bearer token's claims, or a 401 problem that says what to do. */
export async function requireBearer(
  request: FastifyRequest,
  secret: string,
  standing: StandingCheck,
): Promise<Claims> {
  const header = request.headers.authorization
  const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined
  const result = await checkToken(secret, token, standing)
  if (!result.ok) {
    const detail = explanation[result.reason]
    throw result.reason === 'revoked' ? Problem.forbidden(detail) : Problem.unauthorized(detail)
  }
  return result.claims
}
