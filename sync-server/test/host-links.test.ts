import type { CreateSessionResponse, HostLinkIssued, Problem, SessionInfo } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInByEmail } from '../../test-support/accounts.ts'
import { type Inbox, startInbox } from '../../test-support/mail.ts'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { createTestSchema, type TestSchema } from '../../test-support/postgres.ts'
import { auditLog, join } from './helpers/clients.ts'

// Private host links: a session created without an account comes with one; it opens the
// host's access on any device, a new one revokes the one before, and bad links are refused.

const tokenOf = (link: string) => new URL(link).pathname.replace(/^\/h\//, '')

describe.each(['sqlite', 'postgres'] as const)('host links on %s', (dialect) => {
  let server: TestPodium
  let inbox: Inbox
  let schema: TestSchema | undefined
  const api = (path: string) => `${server.url}/api${path}`
  const exchange = (token: unknown) =>
    request<CreateSessionResponse & Problem>(api('/host-link'), { body: { token } })
  const create = async (title: string, token?: string) => {
    const res = await request<CreateSessionResponse>(api('/sessions'), {
      body: { title, hostName: 'Hana' },
      ...(token ? { token } : {}),
    })
    expect(res.status).toBe(201)
    return res.body
  }

  beforeAll(async () => {
    inbox = await startInbox()
    schema = dialect === 'postgres' ? await createTestSchema() : undefined
    server = await startPodium({
      SMTP_URL: inbox.url,
      ...(schema ? { DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema } : {}),
    })
  })
  afterAll(async () => {
    await server.close()
    await schema?.drop()
    await inbox.close()
  })

  const kysely = () => server.podium.services.db.kysely

  it('comes with a session created without an account, stored only as its hash', async () => {
    const created = await create('Town hall')
    expect(created.hostLink).toMatch(new RegExp(`^${server.url}/h/[A-Za-z0-9_-]{43}$`))
    const token = tokenOf(created.hostLink ?? '')
    const rows = await kysely()
      .selectFrom('host_links')
      .selectAll()
      .where('session_id', '=', created.id)
      .execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]?.hash).not.toContain(token)
    expect(JSON.stringify(rows)).not.toContain(token)
  })

  it('opens the host access on another device, shaped as creation answers', async () => {
    const created = await create('Town hall')
    const opened = await exchange(tokenOf(created.hostLink ?? ''))
    expect(opened.status).toBe(200)
    expect(opened.body).toEqual({
      id: created.id,
      code: created.code,
      hostToken: expect.any(String),
      hostUserId: created.hostUserId,
      joinUrl: created.joinUrl,
    })
    // The token is the host's: it runs the session.
    const info = await request<SessionInfo>(api(`/sessions/${created.id}`), {
      token: opened.body.hostToken,
    })
    expect(info.status).toBe(200)
    const live = await request(api(`/sessions/${created.id}/status`), {
      body: { status: 'live' },
      token: opened.body.hostToken,
    })
    expect(live.status).toBe(200)
    // It works again (a second device), and each use is in the audit log.
    expect((await exchange(tokenOf(created.hostLink ?? ''))).status).toBe(200)
    const entries = await auditLog(server.url, { id: created.id, token: created.hostToken }, (e) =>
      e.some((entry) => entry.action === 'open-host-link'),
    )
    expect(entries.find((e) => e.action === 'open-host-link')).toMatchObject({
      actorId: created.hostUserId,
      actorName: 'Hana',
      actorRole: 'host',
    })
  })

  it('is replaced by a new one the host asks for; the old one is refused with 410', async () => {
    const created = await create('Town hall')
    const first = tokenOf(created.hostLink ?? '')
    const issued = await request<HostLinkIssued>(api(`/sessions/${created.id}/host-link`), {
      method: 'POST',
      token: created.hostToken,
    })
    expect(issued.status).toBe(201)
    expect(issued.body.hostLink).toMatch(/\/h\/[A-Za-z0-9_-]{43}$/)
    expect(issued.body.issuedAt).toBeGreaterThan(0)
    const second = tokenOf(issued.body.hostLink)
    expect(second).not.toBe(first)

    const old = await exchange(first)
    expect(old.status).toBe(410)
    expect(old.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(old.body.detail).toMatch(/replaced by a newer one/)
    expect((await exchange(second)).status).toBe(200)

    // A host who came in by the link may issue the next one too.
    const viaLink = (await exchange(second)).body.hostToken
    const third = await request<HostLinkIssued>(api(`/sessions/${created.id}/host-link`), {
      method: 'POST',
      token: viaLink,
    })
    expect(third.status).toBe(201)
    expect((await exchange(second)).status).toBe(410)
    const working = await kysely()
      .selectFrom('host_links')
      .select('hash')
      .where('session_id', '=', created.id)
      .where('revoked_at', 'is', null)
      .execute()
    expect(working).toHaveLength(1)
  })

  it('is issued to the host only, without a body', async () => {
    const created = await create('Town hall')
    const attendee = await join(server.url, created.code, 'Ada')
    const path = api(`/sessions/${created.id}/host-link`)
    const asAttendee = await request<Problem>(path, { method: 'POST', token: attendee.token })
    expect(asAttendee.status).toBe(403)
    expect((await request(path, { method: 'POST' })).status).toBe(401)
    const withBody = await request<Problem>(path, {
      body: { extra: true },
      token: created.hostToken,
    })
    expect(withBody.status).toBe(400)
    const other = await create('Another')
    const elsewhere = await request(api(`/sessions/${other.id}/host-link`), {
      method: 'POST',
      token: created.hostToken,
    })
    expect(elsewhere.status).toBe(403)
    // Nothing was revoked by the refused requests.
    expect((await exchange(tokenOf(created.hostLink ?? ''))).status).toBe(200)
  })

  it('refuses malformed, unknown and deleted links with a problem a person can act on', async () => {
    for (const token of ['', 'abc', 'x'.repeat(44), `${'a'.repeat(42)}!`, 42, null]) {
      const res = await exchange(token)
      expect(res.status, String(token)).toBe(400)
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
      expect(res.body.detail).toMatch(/token/)
    }
    const missing = await request<Problem>(api('/host-link'), { body: {} })
    expect(missing.status).toBe(400)

    const unknown = await exchange('A'.repeat(43))
    expect(unknown.status).toBe(404)
    expect(unknown.body.detail).toMatch(/This host link is not valid/)

    const created = await create('Short-lived')
    const removed = await request(api(`/sessions/${created.id}`), {
      method: 'DELETE',
      token: created.hostToken,
    })
    expect(removed.status).toBe(204)
    const gone = await exchange(tokenOf(created.hostLink ?? ''))
    expect(gone.status).toBe(404)
    const left = await kysely()
      .selectFrom('host_links')
      .select('hash')
      .where('session_id', '=', created.id)
      .execute()
    expect(left).toEqual([])
  })

  it('is not made for a session created signed in; a guest host duplicating gets one', async () => {
    const person = await signInByEmail(server.url, inbox, `host-${Date.now()}@example.org`)
    const owned = await create('Owned', person.accessToken)
    expect(owned.hostLink).toBeUndefined()
    const guest = await create('Guest')
    const copy = await request<CreateSessionResponse>(api(`/sessions/${guest.id}/duplicate`), {
      method: 'POST',
      token: guest.hostToken,
    })
    expect(copy.status).toBe(201)
    const opened = await exchange(tokenOf(copy.body.hostLink ?? ''))
    expect(opened.status).toBe(200)
    expect(opened.body.id).toBe(copy.body.id)
  })
})
