import { HttpProblem } from '@podium/shared/server'
import {
  type AccessClaims,
  type AccountClaims,
  signToken,
  TokenError,
  verifyAccountToken,
} from '@podium/shared/token'
import type { FastifyRequest, onRequestHookHandler } from 'fastify'
import type { Services } from '../services.ts'
import type { Account } from './accounts.ts'
import { bearerToken } from './request-tokens.ts'

/** Account access tokens, and session tokens issued to a signed-in device, last this long. */
export const ACCOUNT_TOKEN_TTL = 15 * 60

export interface SignedIn {
  account: Account
  deviceId: string
}

/** A fresh account access token for a signed-in device. */
export async function accountToken(
  secret: string,
  accountId: string,
  deviceId: string,
): Promise<{ accessToken: string; expiresAt: number }> {
  const accessToken = await signToken(
    secret,
    { typ: 'account', sub: accountId, dev: deviceId },
    ACCOUNT_TOKEN_TTL,
  )
  return { accessToken, expiresAt: Date.now() + ACCOUNT_TOKEN_TTL * 1000 }
}

/** A session token for the account's participant there, on this device. */
export function participantToken(
  secret: string,
  participant: Omit<AccessClaims, 'typ' | 'acc' | 'dev'>,
  signedIn: SignedIn,
): Promise<string> {
  return signToken(
    secret,
    { typ: 'access', ...participant, acc: signedIn.account.id, dev: signedIn.deviceId },
    ACCOUNT_TOKEN_TTL,
  )
}

/** Whether a token says it is an account token (unchecked: only to pick the message). */
export function claimsAccount(token: string): boolean {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())
    return payload?.typ === 'account'
  } catch {
    return false
  }
}

/** Who is signed in, for requests the gate has checked already. */
const checked = new WeakMap<FastifyRequest, SignedIn>()

/** An onRequest hook of account routes: the token is checked before the body is read. */
export function accountGate(services: Pick<Services, 'config' | 'auth'>): onRequestHookHandler {
  return async (request) => {
    checked.set(request, await requireAccount(request, services))
  }
}

/** Who is signed in, from `Authorization: Bearer <account token>`; 401 when nobody is. */
export async function requireAccount(
  request: FastifyRequest,
  services: Pick<Services, 'config' | 'auth'>,
): Promise<SignedIn> {
  const known = checked.get(request)
  if (known) return known
  const token = bearerToken(request)
  if (!token) {
    throw HttpProblem.unauthorized(
      'Sign in first: send your account token as `Authorization: Bearer <token>` (POST /api/auth/refresh gives one).',
    )
  }
  return checkAccountToken(token, services)
}

/**
 * The signed-in account on routes a guest may call too (creating and joining a session):
 * none without a token or with a guest's token; 401 for an account token that has expired,
 * is forged, or whose device was signed out, so nobody is silently made a guest.
 */
export async function optionalAccount(
  request: FastifyRequest,
  services: Pick<Services, 'config' | 'auth'>,
): Promise<SignedIn | undefined> {
  const token = bearerToken(request)
  if (!token || !claimsAccount(token)) return undefined
  return checkAccountToken(token, services)
}

async function checkAccountToken(
  token: string,
  services: Pick<Services, 'config' | 'auth'>,
): Promise<SignedIn> {
  let claims: AccountClaims
  try {
    claims = await verifyAccountToken(services.config.tokenSecret, token)
  } catch (error) {
    if (error instanceof TokenError && error.code === 'expired')
      throw HttpProblem.unauthorized(
        'Your sign-in token has expired. Renew it with POST /api/auth/refresh, or sign in again.',
      )
    throw HttpProblem.unauthorized('Your sign-in token is not valid. Sign in again.')
  }
  const { accounts, devices } = services.auth
  const account = await accounts.byId(claims.sub)
  if (!account || !(await devices.signedIn(claims.dev)))
    throw HttpProblem.unauthorized('You were signed out on this device. Sign in again.')
  return { account, deviceId: claims.dev }
}
