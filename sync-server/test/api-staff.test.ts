import type { InviteList, InvitePreview, JoinResponse, Problem, StaffList } from '@podium/shared'
import { verifyAccessToken } from '@podium/shared/token'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { readAudit } from '../src/audit/log.ts'
import { acceptedInvite, createSession, join, TestClient, waitFor } from './helpers/clients.ts'

// The host manages who runs the session from the server's records: every invite and what
// became of it, every staff member, withdrawing a role, the invite page's preview, and
// a participant's own name.

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
const db = () => server.podium.services.db.kysely

async function invite(session: { id: string; hostToken: string }, role: string) {
  const res = await request<{ id: string; invite: string; url: string }>(
    api(`/sessions/${session.id}/invites`),
    { token: session.hostToken, body: { role } },
  )
  expect(res.status).toBe(201)
  return res.body
}

describe('GET /api/sessions/:id/invites', () => {
  it('lists every invite with what became of it, and the link of those still usable', async () => {
    const session = await createSession(server.url, { title: 'Invites listed' })
    const mo = await acceptedInvite(server.url, session, 'moderator', 'Mo')
    const unused = await invite(session, 'presenter')
    const withdrawn = await invite(session, 'moderator')
    await request(api(`/sessions/${session.id}/invites/${withdrawn.id}`), {
      method: 'DELETE',
      token: session.hostToken,
    })
    const stale = await invite(session, 'moderator')
    await db()
      .updateTable('invites')
      .set({ expires_at: Date.now() - 1 })
      .where('id', '=', stale.id)
      .execute()

    const res = await request<InviteList>(api(`/sessions/${session.id}/invites`), {
      token: session.hostToken,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    const byId = new Map(res.body.invites.map((i) => [i.id, i]))
    expect(res.body.invites).toHaveLength(4)
    expect(byId.get(mo.inviteId)).toMatchObject({
      role: 'moderator',
      status: 'accepted',
      acceptedBy: { userId: mo.userId, name: 'Mo', role: 'moderator' },
      url: null,
    })
    expect(byId.get(withdrawn.id)).toMatchObject({ status: 'revoked', acceptedBy: null, url: null })
    expect(byId.get(stale.id)).toMatchObject({ status: 'expired', url: null })
    const pending = byId.get(unused.id)!
    expect(pending).toMatchObject({ role: 'presenter', status: 'pending', acceptedBy: null })
    expect(pending.url).toMatch(/^https:\/\/podium\.example\.org\/i\//)

    // The link listed after a reload admits one person, like the one made at first.
    const accepted = await request<JoinResponse>(api('/invites/accept'), {
      body: { invite: pending.url!.split('/i/')[1], name: 'Pat' },
    })
    expect(accepted.status).toBe(200)
    expect(accepted.body.role).toBe('presenter')
    const again = await request(api('/invites/accept'), { body: { invite: unused.invite } })
    expect(again.status).toBe(409)
  })

  it('is for the host only', async () => {
    const session = await createSession(server.url, { title: 'Host only' })
    const mo = await acceptedInvite(server.url, session, 'moderator', 'Mo')
    const ann = await join(server.url, session.code, 'Ann')
    for (const token of [mo.token, ann.token]) {
      for (const path of ['invites', 'staff']) {
        const res = await request<Problem>(api(`/sessions/${session.id}/${path}`), { token })
        expect(res.status, path).toBe(403)
        expect(res.body.detail).toMatch(/needs the role host/)
      }
    }
  })
})

describe('GET and DELETE /api/sessions/:id/staff', () => {
  it('lists the host and every staff member, and withdraws one who joined by invite', async () => {
    const session = await createSession(server.url, { title: 'Staff', hostName: 'Hana' })
    const mo = await acceptedInvite(server.url, session, 'moderator', 'Mo')
    const pat = await acceptedInvite(server.url, session, 'presenter', 'Pat')
    await join(server.url, session.code, 'Ann')

    const listed = await request<StaffList>(api(`/sessions/${session.id}/staff`), {
      token: session.hostToken,
    })
    expect(listed.status).toBe(200)
    expect(listed.body.staff.map((s) => [s.name, s.role, s.inviteId])).toEqual([
      ['Hana', 'host', null],
      ['Mo', 'moderator', mo.inviteId],
      ['Pat', 'presenter', pat.inviteId],
    ])

    // Mo is connected to the moderators' document when the host withdraws the role.
    const client = new TestClient(server.syncUrl, mo, {}, true)
    clients.push(client)
    await client.synced()
    const refusals: string[] = []
    client
      .provider('mod')
      .on('authenticationFailed', ({ reason }: { reason: string }) => refusals.push(reason))
    const removed = await request(api(`/sessions/${session.id}/staff/${mo.userId}`), {
      method: 'DELETE',
      token: session.hostToken,
    })
    expect(removed.status).toBe(204)
    await waitFor(() => refusals.includes('access-revoked'), 10_000, 'the reconnect refused')
    const after = await request<Problem>(api(`/sessions/${session.id}/checkpoints`), {
      token: mo.token,
    })
    expect(after.status).toBe(403)
    expect(after.body.detail).toMatch(/withdrawn your moderator role/)

    // The server's records say so after any reload: Mo is no longer staff, the invite is revoked.
    const staff = await request<StaffList>(api(`/sessions/${session.id}/staff`), {
      token: session.hostToken,
    })
    expect(staff.body.staff.map((s) => s.name)).toEqual(['Hana', 'Pat'])
    const invites = await request<InviteList>(api(`/sessions/${session.id}/invites`), {
      token: session.hostToken,
    })
    expect(invites.body.invites.find((i) => i.id === mo.inviteId)).toMatchObject({
      status: 'revoked',
      acceptedBy: { userId: mo.userId, name: 'Mo', role: 'attendee' },
    })
    const entries = await readAudit(server.podium.services.db, session.id)
    expect(entries.at(-1)).toMatchObject({
      action: 'revoke-staff',
      actorId: session.hostUserId,
      targetId: mo.userId,
      detail: 'Mo (moderator)',
    })
  })

  it('refuses to withdraw the host, an attendee, or anyone when asked by a non-host', async () => {
    const session = await createSession(server.url, { title: 'Refusals' })
    const mo = await acceptedInvite(server.url, session, 'moderator', 'Mo')
    const ann = await join(server.url, session.code, 'Ann')
    const host = await request<Problem>(
      api(`/sessions/${session.id}/staff/${session.hostUserId}`),
      { method: 'DELETE', token: session.hostToken },
    )
    expect(host.status).toBe(409)
    expect(host.body.detail).toMatch(/host's role cannot be withdrawn/)
    const attendee = await request<Problem>(api(`/sessions/${session.id}/staff/${ann.userId}`), {
      method: 'DELETE',
      token: session.hostToken,
    })
    expect(attendee.status).toBe(404)
    expect(attendee.body.detail).toMatch(/is staff in this session/)
    const byModerator = await request<Problem>(
      api(`/sessions/${session.id}/staff/${session.hostUserId}`),
      { method: 'DELETE', token: mo.token },
    )
    expect(byModerator.status).toBe(403)
    const bad = await request<Problem>(api(`/sessions/${session.id}/staff/no!`), {
      method: 'DELETE',
      token: session.hostToken,
    })
    expect(bad.status).toBe(400)
  })
})

describe('POST /api/invites/preview', () => {
  it('names the session and the role before anyone accepts, and says when it cannot be used', async () => {
    const session = await createSession(server.url, { title: 'Quarterly all-hands' })
    const created = await invite(session, 'presenter')
    const preview = await request<InvitePreview>(api('/invites/preview'), {
      body: { invite: created.invite },
    })
    expect(preview.status).toBe(200)
    expect(preview.body).toMatchObject({
      sessionId: session.id,
      title: 'Quarterly all-hands',
      role: 'presenter',
    })
    // Previewing uses nothing up.
    const accepted = await request(api('/invites/accept'), { body: { invite: created.invite } })
    expect(accepted.status).toBe(200)
    const used = await request<Problem>(api('/invites/preview'), {
      body: { invite: created.invite },
    })
    expect(used.status).toBe(409)
    expect(used.body.detail).toMatch(/already been used/)

    const revoked = await invite(session, 'moderator')
    await request(api(`/sessions/${session.id}/invites/${revoked.id}`), {
      method: 'DELETE',
      token: session.hostToken,
    })
    const gone = await request<Problem>(api('/invites/preview'), {
      body: { invite: revoked.invite },
    })
    expect(gone.status).toBe(410)
    const garbled = await request<Problem>(api('/invites/preview'), {
      body: { invite: 'not-an-invite-at-all' },
    })
    expect(garbled.status).toBe(400)
    expect(garbled.body.detail).toMatch(/whole link was copied/)
  })
})

describe('PATCH /api/sessions/:id/me', () => {
  it('gives the caller a new name and a token that carries it; the history names them', async () => {
    const session = await createSession(server.url, { title: 'Names' })
    const renamed = await request<JoinResponse>(api(`/sessions/${session.id}/me`), {
      method: 'PATCH',
      token: session.hostToken,
      body: { name: '  Hana  ' },
    })
    expect(renamed.status).toBe(200)
    expect(renamed.body).toMatchObject({
      sessionId: session.id,
      userId: session.hostUserId,
      role: 'host',
      name: 'Hana',
    })
    const claims = await verifyAccessToken(SECRET, renamed.body.token)
    expect(claims).toMatchObject({ sub: session.hostUserId, role: 'host', name: 'Hana' })
    const row = await db()
      .selectFrom('users')
      .select('name')
      .where('id', '=', session.hostUserId)
      .executeTakeFirstOrThrow()
    expect(row.name).toBe('Hana')

    // What the host does with the new token is recorded under the new name.
    await request(api(`/sessions/${session.id}/status`), {
      token: renamed.body.token,
      body: { status: 'live' },
    })
    const entries = await readAudit(server.podium.services.db, session.id)
    expect(entries.map((e) => [e.action, e.actorName])).toEqual([
      ['rename', 'Hana'],
      ['status-live', 'Hana'],
    ])
    const staff = await request<StaffList>(api(`/sessions/${session.id}/staff`), {
      token: renamed.body.token,
    })
    expect(staff.body.staff[0]?.name).toBe('Hana')

    const empty = await request<Problem>(api(`/sessions/${session.id}/me`), {
      method: 'PATCH',
      token: session.hostToken,
      body: { name: '   ' },
    })
    expect(empty.status).toBe(400)
    expect(empty.body.detail).toMatch(/name must not be empty/)
  })
})
