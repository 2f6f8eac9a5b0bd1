import { errors, jwtVerify, SignJWT } from 'jose'
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
})
export type AccessClaims = z.infer<typeof AccessClaims>

export const InviteClaims = z.object({
  typ: z.literal('invite'),
  sid: z.string(),
  role: z.enum(['moderator', 'presenter']),
  jti: z.string(),
})
export type InviteClaims = z.infer<typeof InviteClaims>

const ISSUER = 'podium'

const keys = new Map<string, Promise<CryptoKey>>()

/**
 * The HMAC key for a secret, imported once: importing it for every token cost more than
 * signing or checking the token itself.
 */
function key(secret: string): Promise<CryptoKey> {
  let imported = keys.get(secret)
  if (!imported) {
    imported = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    )
    // A rejected import is not kept: the next call tries again.
    imported.catch(() => keys.delete(secret))
    keys.set(secret, imported)
  }
  return imported
}

export async function signToken(
  secret: string,
  claims: AccessClaims | InviteClaims,
  ttlSeconds: number,
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(await key(secret))
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
    const { payload } = await jwtVerify(token, await key(secret), {
      issuer: ISSUER,
      algorithms: ['HS256'],
    })
    const parsed = schema.safeParse(payload)
    if (!parsed.success) throw new TokenError('token has the wrong shape', 'invalid')
    return { ...parsed.data, exp: payload.exp ?? 0 }
  } catch (error) {
    if (error instanceof TokenError) throw error
    if (error instanceof errors.JWTExpired) throw new TokenError('token has expired', 'expired')
    throw new TokenError('token is not valid', 'invalid')
  }
}

export const verifyAccessToken = (secret: string, token: string) =>
  verify(secret, token, AccessClaims)
export const verifyInviteToken = (secret: string, token: string) =>
  verify(secret, token, InviteClaims)
