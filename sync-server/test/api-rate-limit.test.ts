import { randomInt } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { createSession, join } from './helpers/clients.ts'

const servers: TestPodium[] = []
afterAll(async () => {
  for (const s of servers) await s.close()
})

async function start(env: Record<string, string>) {
  const server = await startPodium(env)
  servers.push(server)
  return server
}

async function sessionCount(server: TestPodium): Promise<number> {
  const rows = await server.podium.services.db.kysely.selectFrom('sessions').select('id').execute()
  return rows.length
}

describe('rate limits', () => {
  it('limits joining and creating per address, with a problem and Retry-After', async () => {
    const server = await start({
      RATE_LIMIT_ALLOW: 'none',
      RATE_LIMIT_JOIN_PER_MINUTE: '3',
      RATE_LIMIT_CREATE_PER_MINUTE: '2',
    })
    const api = (path: string) => `${server.url}/api${path}`
    const session = await createSession(server.url, { title: 'One' })
    await createSession(server.url, { title: 'Two' })
    const created = await sessionCount(server)

    const third = await request<{ status: number; detail: string }>(api('/sessions'), {
      body: { title: 'Three' },
    })
    expect(third.status).toBe(429)
    expect(third.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(third.body).toMatchObject({ status: 429 })
    expect(third.body.detail).toMatch(/Too many requests from your address; try again in/)
    // Importing shares the counter with creating.
    const imported = await request(api('/sessions/import'), { body: {} })
    expect(imported.status).toBe(429)
    expect(await sessionCount(server)).toBe(created)

    for (let i = 0; i < 3; i++) {
      const joined = await request(api('/join'), { body: { code: session.code } })
      expect(joined.status).toBe(200)
    }
    const fourth = await request<{ detail: string }>(api('/join'), {
      body: { code: session.code },
    })
    expect(fourth.status).toBe(429)
    // Accepting invites shares the counter with joining.
    const accept = await request(api('/invites/accept'), { body: { invite: 'x'.repeat(20) } })
    expect(accept.status).toBe(429)
    // So does exchanging a host link.
    const hostLink = await request(api('/host-link'), { body: { token: 'A'.repeat(43) } })
    expect(hostLink.status).toBe(429)

    // The other open routes count in their own counter; routes with a token are not limited.
    for (let i = 0; i < 5; i++) expect((await request(api('/time'))).status).toBe(200)
    const info = await request(api(`/sessions/${session.id}`), { token: session.hostToken })
    expect(info.status).toBe(200)
  })

  it('limits requests with a token per token user, from one address or many', async () => {
    const server = await start({
      RATE_LIMIT_ALLOW: 'none',
      TRUST_PROXY: 'true',
      RATE_LIMIT_USER_PER_MINUTE: '3',
    })
    const session = await createSession(server.url, { title: 'Tokens' })
    const alice = await join(server.url, session.code, 'Alice')
    const bob = await join(server.url, session.code, 'Bob')
    const info = (token: string, address: string) =>
      request<{ status: number; detail: string }>(`${server.url}/api/sessions/${session.id}`, {
        token,
        headers: { 'x-forwarded-for': address },
      })

    // One token from a new address each time: the fourth is refused all the same.
    const spread: number[] = []
    for (let i = 1; i <= 4; i++) spread.push((await info(alice.token, `203.0.113.${i}`)).status)
    expect(spread).toEqual([200, 200, 200, 429])
    const refused = await info(alice.token, '203.0.113.99')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(refused.body.detail).toMatch(/Too many requests with your token; try again in/)

    // Two tokens from one address: each has its own allowance, and then no more.
    const shared = '198.51.100.7'
    const fromOne: number[] = []
    for (const token of [bob.token, session.hostToken])
      for (let i = 0; i < 4; i++) fromOne.push((await info(token, shared)).status)
    expect(fromOne).toEqual([200, 200, 200, 429, 200, 200, 200, 429])
    // A write route counts against the same allowance.
    const status = await request(`${server.url}/api/sessions/${session.id}/status`, {
      token: session.hostToken,
      body: { status: 'live' },
      headers: { 'x-forwarded-for': '192.0.2.1' },
    })
    expect(status.status).toBe(429)

    // Requests without a valid token are not counted per user.
    for (let i = 0; i < 5; i++) {
      const noToken = await request(`${server.url}/api/sessions/${session.id}`, {
        headers: { 'x-forwarded-for': shared },
      })
      expect(noToken.status).toBe(401)
    }
  })

  it('limits every other route open without a token, in a counter of its own', async () => {
    const server = await start({
      RATE_LIMIT_ALLOW: 'none',
      RATE_LIMIT_PUBLIC_PER_MINUTE: '3',
      RATE_LIMIT_JOIN_PER_MINUTE: '2',
    })
    const session = await createSession(server.url, { title: 'Public' })
    for (let i = 0; i < 3; i++) expect((await request(`${server.url}/api/time`)).status).toBe(200)
    const fourth = await request<{ detail: string }>(`${server.url}/api/time`)
    expect(fourth.status).toBe(429)
    expect(fourth.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(fourth.body.detail).toMatch(/try again in/)
    // Joining has its own counter, and a token route none.
    for (let i = 0; i < 2; i++) {
      expect(
        (await request(`${server.url}/api/join`, { body: { code: session.code } })).status,
      ).toBe(200)
    }
    const info = await request(`${server.url}/api/sessions/${session.id}`, {
      token: session.hostToken,
    })
    expect(info.status).toBe(200)
  })

  it('keeps each counter apart in Redis', async () => {
    const server = await start({
      REDIS_URL: 'redis://127.0.0.1:6379',
      TRUST_PROXY: 'true',
      RATE_LIMIT_ALLOW: 'none',
      RATE_LIMIT_JOIN_PER_MINUTE: '3',
      RATE_LIMIT_CREATE_PER_MINUTE: '2',
      RATE_LIMIT_PUBLIC_PER_MINUTE: '3',
    })
    // A fresh address for each run: Redis keeps counts for a minute.
    const address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`
    const from = { 'x-forwarded-for': address }
    const create = () =>
      request<{ code: string }>(`${server.url}/api/sessions`, {
        body: { title: 'Counted' },
        headers: from,
      })
    const first = await create()
    expect(first.status).toBe(201)
    for (let i = 0; i < 3; i++) {
      const joined = await request(`${server.url}/api/join`, {
        body: { code: first.body.code },
        headers: from,
      })
      expect(joined.status).toBe(200)
      expect((await request(`${server.url}/api/time`, { headers: from })).status).toBe(200)
    }
    // Three joins and three clock reads did not count against creating.
    expect((await create()).status).toBe(201)
    expect((await create()).status).toBe(429)
    expect((await request(`${server.url}/api/time`, { headers: from })).status).toBe(429)
  })

  it('does not limit this machine unless told to', async () => {
    const server = await start({ RATE_LIMIT_JOIN_PER_MINUTE: '2' })
    const session = await createSession(server.url, { title: 'Local' })
    for (let i = 0; i < 6; i++) {
      const joined = await request(`${server.url}/api/join`, { body: { code: session.code } })
      expect(joined.status).toBe(200)
    }
  })
})
