import { signToken, TokenError, verifyAccessToken } from '@podium/shared/token'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { VerifiedTokens } from '../src/auth/verified-tokens.ts'

const SECRET = 'verified-tokens-test-secret-0123'
const claims = {
  typ: 'access' as const,
  sub: 'user-1',
  sid: 'session-1',
  role: 'attendee' as const,
  name: 'Ada',
}

/** The signature check VerifiedTokens uses, counted. */
const counted = () => vi.fn(verifyAccessToken)

afterEach(() => {
  vi.useRealTimers()
})

describe('VerifiedTokens', () => {
  it('answers a token it has checked from memory, and checks it again after a while', async () => {
    const crypto = counted()
    const tokens = new VerifiedTokens(SECRET, 1_000, 20_000, crypto)
    const token = await signToken(SECRET, claims, 3_600)
    await expect(tokens.verify(token)).resolves.toMatchObject({ sub: 'user-1', role: 'attendee' })
    await expect(tokens.verify(token)).resolves.toMatchObject({ sub: 'user-1' })
    expect(crypto).toHaveBeenCalledTimes(1)
    vi.useFakeTimers({ now: Date.now() + 1_500, toFake: ['Date'] })
    await tokens.verify(token)
    expect(crypto).toHaveBeenCalledTimes(2)
  })

  it('never outlives the token, and keeps no failure', async () => {
    const tokens = new VerifiedTokens(SECRET, 60_000)
    const token = await signToken(SECRET, claims, 2)
    await tokens.verify(token)
    vi.useFakeTimers({ now: Date.now() + 3_000, toFake: ['Date'] })
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'expired' })
    const forged = `${token.slice(0, -4)}AAAA`
    await expect(tokens.verify(forged)).rejects.toBeInstanceOf(TokenError)
    await expect(tokens.verify(forged)).rejects.toBeInstanceOf(TokenError)
  })

  it('holds at most its capacity, dropping the oldest', async () => {
    const crypto = counted()
    const tokens = new VerifiedTokens(SECRET, 60_000, 2, crypto)
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map((sub) => signToken(SECRET, { ...claims, sub }, 3_600)),
    )
    for (const t of [a!, b!, c!]) await tokens.verify(t)
    crypto.mockClear()
    await tokens.verify(c!)
    await tokens.verify(b!)
    expect(crypto).toHaveBeenCalledTimes(0)
    await tokens.verify(a!)
    expect(crypto).toHaveBeenCalledTimes(1)
  })

  it('lets go of tokens that have run out as new ones come', async () => {
    const tokens = new VerifiedTokens(SECRET, 1_000)
    for (const sub of ['a', 'b', 'c'])
      await tokens.verify(await signToken(SECRET, { ...claims, sub }, 3_600))
    expect(tokens.size).toBe(3)
    vi.useFakeTimers({ now: Date.now() + 1_500, toFake: ['Date'] })
    await tokens.verify(await signToken(SECRET, { ...claims, sub: 'd' }, 3_600))
    expect(tokens.size).toBe(1)
  })
})
