import { SessionInfo } from '@podium/shared'
import { signToken } from '@podium/shared/token'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { readAudit } from '../src/audit/log.ts'
import { acceptedInvite, createSession, join, TestClient, waitFor } from './helpers/clients.ts'

const SECRET = 'test-secret-test-secret-test-secret-0000'
let server: TestPodium
const clients: TestClient[] = []
beforeAll(async () => {
  server = await startPodium({ PUBLIC_URL: 'https://podium.example.org' })
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await server.close()
})

const api = (path: string) => `${server.url}/api${path}`

/** The audit log of a session, as [action, actorId, targetId]. */
async function audit(sessionId: string) {
  const entries = await readAudit(server.podium.services.db, sessionId)
  return entries.map((a) => [a.action, a.actorId, a.targetId])
}

describe('GET /api/time', () => {
  it('answers with the server clock', async () => {
    const before = Date.now()
    const res = await request<{ now: number }>(api('/time'))
    expect(res.status).toBe(200)
    expect(res.body.now).toBeGreaterThanOrEqual(before)
    expect(res.body.now).toBeLessThanOrEqual(Date.now())
  })
})

describe('session details, settings and status', () => {
  it('shows the session to anyone in it, with the live settings', async () => {
    const session = await createSession(server.url, { title: 'Town hall' })
    const attendee = await join(server.url, session.code, 'Ann')
    const res = await request(api(`/sessions/${session.id}`), { token: attendee.token })
    expect(res.status).toBe(200)
    expect(SessionInfo.parse(res.body)).toEqual({
      id: session.id,
      code: session.code,
      title: 'Town hall',
      status: 'draft',
      settings: {
        preModeration: false,
        anonymousQuestions: true,
        qaOpen: true,
        maxQuestionLength: 300,
      },
      joinUrl: `https://podium.example.org/j/${session.code}`,
      schedule: null,
    })
  })

  it('lets the host change settings; connected clients and the sessions row follow', async () => {
    const session = await createSession(server.url, { title: 'Settings' })
    const attendee = new TestClient(server.syncUrl, await join(server.url, session.code))
    clients.push(attendee)
    await attendee.synced()

    const res = await request(api(`/sessions/${session.id}/settings`), {
      method: 'PATCH',
      token: session.hostToken,
      body: { preModeration: true, maxQuestionLength: 500 },
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      preModeration: true,
      anonymousQuestions: true,
      qaOpen: true,
      maxQuestionLength: 500,
    })
    await waitFor(() => attendee.public.settings().preModeration, 5000, 'settings reach the client')
    expect(attendee.public.settings().maxQuestionLength).toBe(500)
    const row = await server.podium.services.db.kysely
      .selectFrom('sessions')
      .select('settings')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow()
    expect(JSON.parse(row.settings)).toMatchObject({ preModeration: true, maxQuestionLength: 500 })
    const info = await request<SessionInfo>(api(`/sessions/${session.id}`), {
      token: session.hostToken,
    })
    expect(info.body.settings.preModeration).toBe(true)
    expect(await audit(session.id)).toEqual([['change-settings', session.hostUserId, null]])
  })

  it('lets the host open and end the session', async () => {
    const session = await createSession(server.url, { title: 'Lifecycle' })
    for (const status of ['live', 'ended', 'live'] as const) {
      const res = await request(api(`/sessions/${session.id}/status`), {
        token: session.hostToken,
        body: { status },
      })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ status })
      const info = await request<SessionInfo>(api(`/sessions/${session.id}`), {
        token: session.hostToken,
      })
      expect(info.body.status).toBe(status)
    }
    const row = await server.podium.services.db.kysely
      .selectFrom('sessions')
      .select('status')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('live')
    expect((await audit(session.id)).map((a) => a[0])).toEqual([
      'status-live',
      'status-ended',
      'status-live',
    ])
  })
})

describe('invites', () => {
  it('makes a moderator from a signed link, once', async () => {
    const session = await createSession(server.url, { title: 'Invites' })
    const created = await request<{ id: string; invite: string; url: string; expiresAt: number }>(
      api(`/sessions/${session.id}/invites`),
      { token: session.hostToken, body: { role: 'moderator', expiresInHours: 2 } },
    )
    expect(created.status).toBe(201)
    expect(created.body.url).toBe(`https://podium.example.org/i/${created.body.invite}`)
    expect(created.body.expiresAt).toBeGreaterThan(Date.now() + 2 * 3_600_000 - 60_000)
    expect(created.body.expiresAt).toBeLessThanOrEqual(Date.now() + 2 * 3_600_000)

    const accepted = await request<{
      sessionId: string
      userId: string
      token: string
      role: string
      name: string | null
    }>(api('/invites/accept'), { body: { invite: created.body.invite, name: 'Mo' } })
    expect(accepted.status).toBe(200)
    expect(accepted.body).toMatchObject({ sessionId: session.id, role: 'moderator', name: 'Mo' })
    const user = await server.podium.services.db.kysely
      .selectFrom('users')
      .selectAll()
      .where('id', '=', accepted.body.userId)
      .executeTakeFirstOrThrow()
    expect(user).toMatchObject({ session_id: session.id, role: 'moderator', name: 'Mo' })

    // The new moderator can open the moderators' document.
    const mod = new TestClient(
      server.syncUrl,
      { sessionId: session.id, userId: accepted.body.userId, token: accepted.body.token },
      {},
      true,
    )
    clients.push(mod)
    await mod.synced()
    expect(mod.public.meta().title).toBe('Invites')

    const again = await request<{ detail: string }>(api('/invites/accept'), {
      body: { invite: created.body.invite },
    })
    expect(again.status).toBe(409)
    expect(again.body.detail).toMatch(/already been used/)
    expect(await audit(session.id)).toEqual([
      ['invite-moderator', session.hostUserId, created.body.id],
      ['accept-invite', accepted.body.userId, created.body.id],
    ])
  })

  it('withdraws the role an accepted invite gave: open connections close, and the token opens no staff door', async () => {
    const session = await createSession(server.url, { title: 'Withdrawn' })
    const moderator = await acceptedInvite(server.url, session, 'moderator', 'Mo')
    const mod = new TestClient(server.syncUrl, moderator, {}, true)
    clients.push(mod)
    await mod.synced()
    const refusals: string[] = []
    mod
      .provider('mod')
      .on('authenticationFailed', ({ reason }: { reason: string }) => refusals.push(reason))
    const before = await request(api(`/sessions/${session.id}/checkpoints`), {
      token: moderator.token,
    })
    expect(before.status).toBe(200)

    const revoked = await request(api(`/sessions/${session.id}/invites/${moderator.inviteId}`), {
      method: 'DELETE',
      token: session.hostToken,
    })
    expect(revoked.status).toBe(204)
    // The live connection is closed; reconnecting with the same token is refused, with why.
    await waitFor(() => refusals.includes('access-revoked'), 10_000, 'the reconnect refused')
    const after = await request<{ detail: string }>(api(`/sessions/${session.id}/checkpoints`), {
      token: moderator.token,
    })
    expect(after.status).toBe(403)
    expect(after.body.detail).toMatch(/withdrawn your moderator role/)
    const user = await server.podium.services.db.kysely
      .selectFrom('users')
      .select('role')
      .where('id', '=', moderator.userId)
      .executeTakeFirstOrThrow()
    expect(user.role).toBe('attendee')
    // The host's own access is untouched.
    const host = await request(api(`/sessions/${session.id}/checkpoints`), {
      token: session.hostToken,
    })
    expect(host.status).toBe(200)
    expect((await audit(session.id)).map(([action]) => action)).toContain('revoke-invite')
  })

  it('refuses revoked and expired invites', async () => {
    const session = await createSession(server.url, { title: 'Revoke' })
    const created = await request<{ id: string; invite: string }>(
      api(`/sessions/${session.id}/invites`),
      { token: session.hostToken, body: { role: 'presenter' } },
    )
    const revoked = await request(api(`/sessions/${session.id}/invites/${created.body.id}`), {
      method: 'DELETE',
      token: session.hostToken,
    })
    expect(revoked.status).toBe(204)
    const refused = await request<{ detail: string }>(api('/invites/accept'), {
      body: { invite: created.body.invite },
    })
    expect(refused.status).toBe(410)
    expect(refused.body.detail).toMatch(/withdrawn/)

    const expired = await signToken(
      SECRET,
      { typ: 'invite', sid: session.id, role: 'moderator', jti: 'expiredInvite1' },
      -10,
    )
    const late = await request<{ detail: string }>(api('/invites/accept'), {
      body: { invite: expired },
    })
    expect(late.status).toBe(410)
    expect(late.body.detail).toMatch(/expired/)
  })
})
