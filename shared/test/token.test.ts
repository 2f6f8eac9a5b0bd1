import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  type AccessClaims,
  signToken,
  TokenError,
  verifyAccessToken,
  verifyInviteToken,
} from '../src/token.ts'

const SECRET = 'a-test-secret-of-thirty-two-chars!!'
const claims: AccessClaims = {
  typ: 'access',
  sub: 'u_ada',
  sid: 's_talk',
  role: 'attendee',
  name: 'Ada',
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** A token built by hand, signed (or not) as the test needs. */
function handmade(header: object, payload: object, secret: string | null = SECRET): string {
  const input = `${b64(header)}.${b64(payload)}`
  const signature = secret ? createHmac('sha256', secret).update(input).digest('base64url') : ''
  return `${input}.${signature}`
}

async function refusal(check: Promise<unknown>): Promise<TokenError['code']> {
  const error = await check.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(TokenError)
  return (error as TokenError).code
}

describe('tokens', () => {
  it('signs an access token that verifies to its claims and expiry', async () => {
    const before = Math.floor(Date.now() / 1000)
    const token = await signToken(SECRET, claims, 3_600)
    const verified = await verifyAccessToken(SECRET, token)
    expect(verified).toMatchObject(claims)
    expect(verified.exp).toBeGreaterThanOrEqual(before + 3_600)
    expect(verified.exp).toBeLessThanOrEqual(before + 3_601)
  })

  it('still accepts a token issued before the signing library changed', async () => {
    // Signed with jose 6 (HS256, iss podium, exp in 2100).
    const earlier =
      'eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJhY2Nlc3MiLCJzdWIiOiJ1X2pvc2UiLCJzaWQiOiJzX2pvc2UiLCJyb2xlIjoibW9kZXJhdG9yIiwibmFtZSI6IkdyYWNlIiwiaXNzIjoicG9kaXVtIiwiaWF0IjoxNzY0MDAwMDAwLCJleHAiOjQxMDI0NDQ4MDB9.WW1dBhc7r9E7VPZzCPMB2PS7d73tVUQSXD24QyceysQ'
    expect(await verifyAccessToken(SECRET, earlier)).toMatchObject({
      sub: 'u_jose',
      role: 'moderator',
      name: 'Grace',
      exp: 4_102_444_800,
    })
  })

  it('says expired for an expired token and invalid for everything else wrong', async () => {
    const now = Math.floor(Date.now() / 1000)
    const header = { alg: 'HS256' }
    const good = { ...claims, iss: 'podium', iat: now }
    expect(
      await refusal(verifyAccessToken(SECRET, handmade(header, { ...good, exp: now - 10 }))),
    ).toBe('expired')
    const token = await signToken(SECRET, claims, 60)
    expect(await refusal(verifyAccessToken('another-secret-of-thirty-two-chars', token))).toBe(
      'invalid',
    )
    const [head, body, signature] = token.split('.')
    const forged = `${head}.${b64({ ...good, role: 'host', exp: now + 60 })}.${signature}`
    expect(await refusal(verifyAccessToken(SECRET, forged))).toBe('invalid')
    const unsigned = handmade({ alg: 'none' }, { ...good, exp: now + 60 }, null)
    expect(await refusal(verifyAccessToken(SECRET, unsigned))).toBe('invalid')
    const foreign = handmade(header, { ...good, iss: 'elsewhere', exp: now + 60 })
    expect(await refusal(verifyAccessToken(SECRET, foreign))).toBe('invalid')
    const noIssuer = handmade(header, { ...claims, exp: now + 60 })
    expect(await refusal(verifyAccessToken(SECRET, noIssuer))).toBe('invalid')
    const endless = handmade(header, good)
    expect(await refusal(verifyAccessToken(SECRET, endless))).toBe('invalid')
    // An access token is not an invite, and a token of the wrong shape is refused.
    expect(await refusal(verifyInviteToken(SECRET, token))).toBe('invalid')
    const shapeless = handmade(header, { ...good, role: 'owner', exp: now + 60 })
    expect(await refusal(verifyAccessToken(SECRET, shapeless))).toBe('invalid')
    for (const junk of ['', 'abc', `${body}`, 'a.b.c']) {
      expect(await refusal(verifyAccessToken(SECRET, junk))).toBe('invalid')
    }
  })
})
