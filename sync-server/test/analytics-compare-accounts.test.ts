import type { AnalyticsComparison } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInClient, signInByEmail } from '../../test-support/accounts.ts'
import { type Inbox, startInbox } from '../../test-support/mail.ts'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { createTestSchema, type TestSchema } from '../../test-support/postgres.ts'
import { createSession } from './helpers/clients.ts'

// A comparison takes the sessions the caller's account owns, whether it asks with its
// account token or with the host token of one of them issued to its signed-in device;
// sessions of another account, or made as a guest, stay refused without saying which exist.

let mailbox = 0
const address = () => `compare-${Date.now()}-${++mailbox}@example.org`

describe.each(['sqlite', 'postgres'] as const)('comparing owned sessions on %s', (dialect) => {
  let server: TestPodium
  let inbox: Inbox
  let schema: TestSchema | undefined
  let ada: SignedInClient
  let bob: SignedInClient
  const owned: Array<{ id: string; title: string }> = []
  let bobs: { id: string }
  let guest: { id: string; hostToken: string }

  const api = <T>(path: string, token: string) => request<T>(`${server.url}/api${path}`, { token })

  async function ownedSession(client: SignedInClient, title: string) {
    const res = await request<{ id: string }>(`${server.url}/api/sessions`, {
      token: client.accessToken,
      body: { title },
    })
    expect(res.status).toBe(201)
    return { id: res.body.id, title }
  }

  beforeAll(async () => {
    inbox = await startInbox()
    schema = dialect === 'postgres' ? await createTestSchema() : undefined
    server = await startPodium({
      SMTP_URL: inbox.url,
      ...(schema ? { DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema } : {}),
    })
    ada = await signInByEmail(server.url, inbox, address())
    bob = await signInByEmail(server.url, inbox, address())
    owned.push(await ownedSession(ada, 'Monday'), await ownedSession(ada, 'Tuesday'))
    bobs = await ownedSession(bob, 'Bob’s talk')
    guest = await createSession(server.url, { title: 'Made as a guest' })
  })
  afterAll(async () => {
    await server?.close()
    await schema?.drop()
    await inbox?.close()
  })

  it('[AN-15] an account token compares every session the account owns', async () => {
    const ids = owned.map((s) => s.id)
    const res = await api<AnalyticsComparison>(
      `/analytics/compare?sessions=${ids.join(',')}`,
      ada.accessToken,
    )
    expect(res.status).toBe(200)
    expect(res.body.sessions.map((s) => [s.sessionId, s.title])).toEqual(
      owned.map((s) => [s.id, s.title]),
    )
    expect(res.body.sessions[0]?.engagement).toEqual({
      score: 0,
      people: 0,
      askedOrReplied: 0,
      votedOnly: 0,
    })
  })

  it('[AN-15] a host token issued to the signed-in device takes its account’s sessions too', async () => {
    const issued = await request<{ token: string; role: string }>(
      `${server.url}/api/me/sessions/${owned[0]!.id}/token`,
      { token: ada.accessToken, method: 'POST' },
    )
    expect(issued.status).toBe(200)
    expect(issued.body.role).toBe('host')
    const res = await api<AnalyticsComparison>(
      `/analytics/compare?sessions=${owned[1]!.id},${owned[0]!.id}`,
      issued.body.token,
    )
    expect(res.status).toBe(200)
    expect(res.body.sessions.map((s) => s.title)).toEqual(['Tuesday', 'Monday'])
  })

  it('[AN-15] sessions of another account or of a guest host are refused, nothing leaked', async () => {
    const mixed = await api<{ detail: string }>(
      `/analytics/compare?sessions=${owned[0]!.id},${bobs.id},${guest.id},no-such-session`,
      ada.accessToken,
    )
    expect(mixed.status).toBe(403)
    expect(mixed.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(mixed.body.detail).toBe(
      `You do not host ${bobs.id}, ${guest.id}, no-such-session: a comparison takes only sessions you host.`,
    )
    expect(JSON.stringify(mixed.body)).not.toMatch(/Bob|guest/)
    // The guest host's token still compares its own session, and only it.
    const own = await api<AnalyticsComparison>(
      `/analytics/compare?sessions=${guest.id}`,
      guest.hostToken,
    )
    expect(own.status).toBe(200)
    const notOwned = await api<{ detail: string }>(
      `/analytics/compare?sessions=${guest.id},${owned[0]!.id}`,
      guest.hostToken,
    )
    expect(notOwned.status).toBe(403)
    expect(notOwned.body.detail).toMatch(new RegExp(`You do not host ${owned[0]!.id}:`))
  })

  it('[AN-15] a signed-out device’s account token and a forged one get a 401', async () => {
    const signedOut = await signInByEmail(server.url, inbox, address())
    const session = await ownedSession(signedOut, 'Later')
    const out = await request(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie: `podium_refresh=${signedOut.cookie}` },
    })
    expect(out.status).toBeLessThan(300)
    const refused = await api<{ detail: string }>(
      `/analytics/compare?sessions=${session.id}`,
      signedOut.accessToken,
    )
    expect(refused.status).toBe(401)
    expect(refused.body.detail).toMatch(/signed out on this device/)
    const forged = await api<{ detail: string }>(
      `/analytics/compare?sessions=${session.id}`,
      `${ada.accessToken.slice(0, -4)}AAAA`,
    )
    expect(forged.status).toBe(401)
    const none = await request<{ detail: string }>(
      `${server.url}/api/analytics/compare?sessions=${session.id}`,
    )
    expect(none.status).toBe(401)
  })
})
