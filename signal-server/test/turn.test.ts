import { createHmac } from 'node:crypto'
import { IceServersResponse } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Coturn, startCoturn } from '../../test-support/coturn.ts'
import { iceServersFor, turnCredential } from '../src/turn/credentials.ts'
import { accessToken, startSignal, type TestSignal, TURN_SECRET } from './helpers/signal.ts'
import { allocate } from './helpers/turn-client.ts'

describe('TURN REST credentials', () => {
  it('name the expiry and the user, signed with HMAC-SHA1 of the shared secret', () => {
    const now = Date.UTC(2030, 0, 1)
    const cred = turnCredential('s3cret-s3cret-s3cret', 'user42', 600, now)
    expect(cred.username).toBe(`${now / 1000 + 600}:user42`)
    expect(cred.expiresAt).toBe(now / 1000 + 600)
    expect(cred.credential).toBe(
      createHmac('sha1', 's3cret-s3cret-s3cret').update(cred.username).digest('base64'),
    )
    expect(Buffer.from(cred.credential, 'base64')).toHaveLength(20)
  })

  it('offer STUN alone without a secret, and TURN with a fresh credential with one', () => {
    const turn = {
      secret: undefined,
      urls: ['turn:t.example:3478'],
      stunUrls: ['stun:s.example:3478'],
      ttlSeconds: 60,
    }
    expect(iceServersFor(turn, 'u1')).toEqual({
      iceServers: [{ urls: ['stun:s.example:3478'] }],
      expiresAt: null,
    })
    const withSecret = iceServersFor({ ...turn, secret: TURN_SECRET }, 'u1', 1_000_000)
    expect(withSecret.iceServers[1]).toMatchObject({
      urls: ['turn:t.example:3478'],
      username: '1060:u1',
    })
    expect(withSecret.expiresAt).toBe(1_060_000)
  })
})

describe('coturn accepts exactly the credentials the API hands out', () => {
  let coturn: Coturn
  beforeAll(async () => {
    coturn = await startCoturn(TURN_SECRET)
  })
  afterAll(async () => {
    await coturn?.stop()
  })

  it('relays for a fresh credential', async () => {
    const result = await allocate(coturn, turnCredential(TURN_SECRET, 'alice', 60))
    expect(result).toMatchObject({ ok: true })
  })

  it('refuses an expired credential', async () => {
    const expired = turnCredential(TURN_SECRET, 'alice', 60, Date.now() - 120_000)
    expect(await allocate(coturn, expired)).toMatchObject({ ok: false, code: 401 })
  })

  it('refuses a forged credential and one signed with another secret', async () => {
    const fresh = turnCredential(TURN_SECRET, 'alice', 60)
    expect(
      await allocate(coturn, { username: fresh.username, credential: 'Zm9yZ2VkLWNyZWRlbnRpYWw=' }),
    ).toMatchObject({
      ok: false,
      code: 401,
    })
    const otherSecret = turnCredential('not-the-shared-secret', 'alice', 60)
    expect(await allocate(coturn, otherSecret)).toMatchObject({ ok: false, code: 401 })
    // A valid credential for one user does not work under another user's name.
    expect(
      await allocate(coturn, {
        username: fresh.username.replace('alice', 'mallory'),
        credential: fresh.credential,
      }),
    ).toMatchObject({
      ok: false,
      code: 401,
    })
  })
})

describe('GET /api/ice-servers', () => {
  let signal: TestSignal
  beforeAll(async () => {
    signal = await startSignal({
      TURN_SECRET,
      TURN_URLS: 'turn:turn.example:3478?transport=udp,turns:turn.example:5349?transport=tcp',
      STUN_URLS: 'stun:turn.example:3478',
      TURN_TTL_SECONDS: '900',
    })
  })
  afterAll(async () => {
    await signal.close()
  })

  it('gives participants STUN and TURN with a credential for them that lasts the TTL', async () => {
    const token = await signal.token({ sub: 'attendee01', sid: 'session001', role: 'attendee' })
    const before = Math.floor(Date.now() / 1000)
    const response = await fetch(`${signal.url}/api/ice-servers`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = IceServersResponse.parse(await response.json())
    expect(body.iceServers[0]).toEqual({ urls: ['stun:turn.example:3478'] })
    const turn = body.iceServers[1]!
    const [expiry, user] = (turn.username ?? '').split(':')
    expect(user).toBe('attendee01')
    expect(Number(expiry) - before).toBeGreaterThanOrEqual(900)
    expect(Number(expiry) - before).toBeLessThanOrEqual(901)
    expect(turn.credential).toBe(
      createHmac('sha1', TURN_SECRET)
        .update(turn.username ?? '')
        .digest('base64'),
    )
    expect(body.expiresAt).toBe(Number(expiry) * 1000)
  })

  it('refuses anyone without a valid token of a session', async () => {
    const none = await fetch(`${signal.url}/api/ice-servers`)
    expect(none.status).toBe(401)
    expect(none.headers.get('content-type')).toContain('application/problem+json')
    expect(await none.json()).toMatchObject({
      status: 401,
      detail: expect.stringContaining('Bearer'),
    })
    const forged = await accessToken(
      { sub: 'attendee01', sid: 'session001', role: 'attendee' },
      { secret: 'another-secret-another-secret-another-1' },
    )
    const refused = await fetch(`${signal.url}/api/ice-servers`, {
      headers: { authorization: `Bearer ${forged}` },
    })
    expect(refused.status).toBe(401)
  })
})
