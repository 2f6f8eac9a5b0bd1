import { createSigner, createVerifier, TokenError as JwtError } from 'fast-jwt'
import { z } from 'zod'

/**
 * Signed tokens (HS256 JWTs). Access tokens say who someone is in one session;
 * invite tokens grant a role when accepted. Both sync-server and signal-server
 * verify them with the same secret.
 */
export const AccessClaims = z.object({
  typ: z.literal('access'),
  sub: z.string(),
  sid: z.string(),
  role: z.enum(['host', 'moderator', 'presenter', 'attendee']),
  name: z.string().nullable(),
  /** The account this participant belongs to, when they joined signed in. */
  acc: z.string().optional(),
  /** The signed-in device the token was issued to: signing that device out ends it. */
  dev: z.string().optional(),
})
export type AccessClaims = z.infer<typeof AccessClaims>

/**
 * Who is signed in, on which device: the Bearer of account routes (`/api/me`) and of
 * creating or joining a session signed in. Short-lived; renewed with the refresh cookie.
 */
export const AccountClaims = z.object({
  typ: z.literal('account'),
  sub: z.string(),
  dev: z.string(),
})
export type AccountClaims = z.infer<typeof AccountClaims>

export const InviteClaims = z.object({
  typ: z.literal('invite'),
  sid: z.string(),
  role: z.enum(['moderator', 'presenter']),
  jti: z.string(),
})
export type InviteClaims = z.infer<typeof InviteClaims>

const ISSUER = 'podium'

interface Codec {
  sign(payload: Record<string, unknown>): string
  verify(token: string): Record<string, unknown>
}

const codecs = new Map<string, Codec>()

/**
 * Signer and verifier for a secret, made once. fast-jwt signs and checks HS256 with
 * Node's own HMAC, synchronously: a few microseconds a token, where the WebCrypto path
 * cost 150 to 250 µs of the event loop for every join and every connection.
 */
function codec(secret: string): Codec {
  let known = codecs.get(secret)
  if (!known) {
    known = {
      sign: createSigner({ key: secret, algorithm: 'HS256', iss: ISSUER }),
      verify: createVerifier({
        key: secret,
        algorithms: ['HS256'],
        allowedIss: ISSUER,
        // Every token Podium issues ends: one without an end is not one of ours.
        requiredClaims: ['iss', 'exp'],
      }),
    }
    codecs.set(secret, known)
  }
  return known
}

export async function signToken(
  secret: string,
  claims: AccessClaims | InviteClaims | AccountClaims,
  ttlSeconds: number,
): Promise<string> {
  return codec(secret).sign({ ...claims, exp: Math.floor(Date.now() / 1000) + ttlSeconds })
}

export class TokenError extends Error {
  constructor(
    message: string,
    readonly code: 'expired' | 'invalid',
  ) {
    super(message)
  }
}

async function verify<T>(
  secret: string,
  token: string,
  schema: z.ZodType<T>,
): Promise<T & { exp: number }> {
  try {
    const payload = codec(secret).verify(token)
    const parsed = schema.safeParse(payload)
    if (!parsed.success) throw new TokenError('token has the wrong shape', 'invalid')
    return { ...parsed.data, exp: Number(payload.exp) }
  } catch (error) {
    if (error instanceof TokenError) throw error
    if (error instanceof JwtError && error.code === JwtError.codes.expired)
      throw new TokenError('token has expired', 'expired')
    throw new TokenError('token is not valid', 'invalid')
  }
}

export const verifyAccessToken = (secret: string, token: string) =>
  verify(secret, token, AccessClaims)
export const verifyInviteToken = (secret: string, token: string) =>
  verify(secret, token, InviteClaims)
export const verifyAccountToken = (secret: string, token: string) =>
  verify(secret, token, AccountClaims)
