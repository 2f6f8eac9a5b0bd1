import { type AccessClaims, TokenError, verifyAccessToken } from '@podium/shared/token'
import type { FastifyRequest, onRequestHookHandler } from 'fastify'
import { HttpProblem } from '../http/problem.ts'

/** Claims of requests whose token the gate has checked already. */
const verified = new WeakMap<FastifyRequest, AccessClaims>()

/** An onRequest hook: the token is checked before the body is read (see api/access.ts). */
export function tokenGate(secret: string): onRequestHookHandler {
  return async (request) => {
    verified.set(request, await requireToken(request, secret))
  }
}

/** The token in `Authorization: Bearer <token>`, unchecked; null when there is none. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null
  return match?.[1] ?? null
}

/** Reads `Authorization: Bearer <token>`; a missing, expired or forged token is a 401 problem. */
export async function requireToken(request: FastifyRequest, secret: string): Promise<AccessClaims> {
  const known = verified.get(request)
  if (known) return known
  const token = bearerToken(request)
  if (!token) {
    throw HttpProblem.unauthorized(
      'Send your token as `Authorization: Bearer <token>` (you get one from POST /api/join).',
    )
  }
  try {
    return await verifyAccessToken(secret, token)
  } catch (error) {
    if (error instanceof TokenError && error.code === 'expired') {
      throw HttpProblem.unauthorized(
        'Your token has expired. Join the session again to get a new one.',
      )
    }
    throw HttpProblem.unauthorized(
      'Your token is not valid. Join the session again to get a new one.',
    )
  }
}

/** Like requireToken, and the token must be for `sessionId` with one of `roles`. */
export async function requireRole(
  request: FastifyRequest,
  secret: string,
  sessionId: string,
  roles: ReadonlyArray<AccessClaims['role']>,
): Promise<AccessClaims> {
  const claims = await requireToken(request, secret)
  if (claims.sid !== sessionId) throw HttpProblem.forbidden('Your token is for another session.')
  if (!roles.includes(claims.role)) {
    throw HttpProblem.forbidden(
      `This needs the role ${roles.join(' or ')}; your token has the role ${claims.role}.`,
    )
  }
  return claims
}
