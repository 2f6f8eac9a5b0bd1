import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../services.ts'
import { REFRESH_TTL_MS } from './devices.ts'

/** The refresh token's cookie: HttpOnly, SameSite=Lax, sent only to /api/auth. */
export const REFRESH_COOKIE = 'podium_refresh'
const COOKIE_PATH = '/api/auth'

/** Secure whenever people reach Podium over https (PUBLIC_URL, or this request). */
function secure(request: FastifyRequest, services: Pick<Services, 'config'>): boolean {
  const publicUrl = services.config.publicUrl
  return publicUrl ? publicUrl.startsWith('https:') : request.protocol === 'https'
}

export function setRefreshCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Pick<Services, 'config'>,
  refreshToken: string,
): void {
  reply.setCookie(REFRESH_COOKIE, refreshToken, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(request, services),
    path: COOKIE_PATH,
    maxAge: REFRESH_TTL_MS / 1000,
  })
}

export function clearRefreshCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Pick<Services, 'config'>,
): void {
  reply.clearCookie(REFRESH_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(request, services),
    path: COOKIE_PATH,
  })
}

export function refreshCookie(request: FastifyRequest): string | undefined {
  const value = request.cookies[REFRESH_COOKIE]
  return value && /^[\w-]{20,100}$/.test(value) ? value : undefined
}

/**
 * A provider sign-in's state, from its start to its callback in the same browser: a
 * callback whose state is not this browser's (a link someone else started and sent)
 * signs nobody in.
 */
export const SIGN_IN_COOKIE = 'podium_signin'

export function setSignInCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Pick<Services, 'config'>,
  state: string,
  maxAgeMs: number,
): void {
  reply.setCookie(SIGN_IN_COOKIE, state, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(request, services),
    path: COOKIE_PATH,
    maxAge: Math.floor(maxAgeMs / 1000),
  })
}

/** The state this browser started a provider sign-in with, and forgets it. */
export function takeSignInCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Pick<Services, 'config'>,
): string | undefined {
  const value = request.cookies[SIGN_IN_COOKIE]
  if (value === undefined) return undefined
  reply.clearCookie(SIGN_IN_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(request, services),
    path: COOKIE_PATH,
  })
  return /^[\w-]{20,100}$/.test(value) ? value : undefined
}
