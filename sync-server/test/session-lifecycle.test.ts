import {
  type CreateSessionResponse,
  documentName,
  type MySessionsResponse,
  type Problem,
  PublicDoc,
} from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInByEmail } from '../../test-support/accounts.ts'
import { type Inbox, startInbox } from '../../test-support/mail.ts'
import { request, startPodiumOn, type TestPodium } from '../../test-support/podium.ts'
import { createSession, join, TestClient, waitFor } from './helpers/clients.ts'
import { DIALECTS } from './helpers/databases.ts'

let mailbox = 0
const address = () => `host-${Date.now()}-${++mailbox}@example.org`

describe.each(DIALECTS)('duplicating and deleting sessions on %s', (dialect) => {
  let server: TestPodium
  let inbox: Inbox
  const clients: TestClient[] = []
  const api = (path: string) => `${server.url}/api${path}`

  beforeAll(async () => {
    inbox = await startInbox()
    server = await startPodiumOn(dialect, {
      SMTP_URL: inbox.url,
    })
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server.close()
    await inbox.close()
  })

  const kysely = () => server.podium.services.db.kysely

  it('copies title, description, settings and agenda into a new draft owned by the caller', async () => {
    const person = await signInByEmail(server.url, inbox, address())
    const created = await request<CreateSessionResponse>(api('/sessions'), {
      body: {
        title: 'Weekly sync',
        description: 'Every Monday',
        settings: { preModeration: true, maxQuestionLength: 500 },
      },
      token: person.accessToken,
    })
    expect(created.status).toBe(201)
    const source = created.body
    await server.podium.services.docs.change(documentName.public(source.id), (doc) => {
      const pub = new PublicDoc(doc)
      pub.setAgenda([
        { id: 'item-one', title: 'Welcome', durationSec: 300 },
        { id: 'item-two', title: 'Questions', durationSec: 1200 },
      ])
      pub.setMeta({ status: 'live' })
    })
    const attendee = await join(server.url, source.code, 'Ada')
    expect(
      (
        await request(api(`/sessions/${source.id}/duplicate`), {
          method: 'POST',
          token: attendee.token,
        })
      ).status,
    ).toBe(403)

    const copy = await request<CreateSessionResponse>(api(`/sessions/${source.id}/duplicate`), {
      method: 'POST',
      token: source.hostToken,
    })
    expect(copy.status).toBe(201)
    expect(copy.body.id).not.toBe(source.id)
    expect(copy.body.code).not.toBe(source.code)
    expect(copy.body.joinUrl).toBe(`${server.url}/j/${copy.body.code}`)
    const copied = await server.podium.services.docs.read(
      documentName.public(copy.body.id),
      (doc) => {
        const pub = new PublicDoc(doc)
        return {
          meta: pub.meta(),
          settings: pub.settings(),
          agenda: pub.agenda(),
          questions: pub.questions(),
        }
      },
    )
    expect(copied.meta).toMatchObject({
      title: 'Weekly sync',
      description: 'Every Monday',
      status: 'draft',
    })
    expect(copied.settings).toMatchObject({ preModeration: true, maxQuestionLength: 500 })
    expect(copied.agenda.map((i) => [i.title, i.durationSec])).toEqual([
      ['Welcome', 300],
      ['Questions', 1200],
    ])
    expect(copied.agenda.map((i) => i.id)).not.toContain('item-one')
    const row = await kysely()
      .selectFrom('sessions')
      .select(['owner_account_id', 'status'])
      .where('id', '=', copy.body.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ owner_account_id: person.accountId, status: 'draft' })
    // The copy is the account's, on its list, with the host token bound to it.
    const mine = await request<MySessionsResponse>(api('/me/sessions'), {
      token: person.accessToken,
    })
    expect(mine.body.hosting.map((s) => s.id)).toEqual(
      expect.arrayContaining([source.id, copy.body.id]),
    )
    const claims = JSON.parse(
      Buffer.from(copy.body.hostToken.split('.')[1], 'base64url').toString(),
    )
    expect(claims.acc).toBe(person.accountId)
    // Nobody joined the copy: only its host.
    const users = await kysely()
      .selectFrom('users')
      .select('role')
      .where('session_id', '=', copy.body.id)
      .execute()
    expect(users).toEqual([{ role: 'host' }])
  })

  it('deletes a session: its rows, documents and checkpoints go, its sockets close, and only the host may', async () => {
    const session = await createSession(server.url, { title: 'To be deleted' })
    const attendee = await join(server.url, session.code, 'Bo')
    const client = new TestClient(server.syncUrl, attendee)
    clients.push(client)
    await client.synced()
    const refusals: string[] = []
    client
      .provider('public')
      .on('authenticationFailed', ({ reason }: { reason: string }) => refusals.push(reason))
    client.outbox.ask('Will this go away?')
    await waitFor(() => client.public.questions().length === 1, 10_000, 'the question published')
    const checkpoint = await request(api(`/sessions/${session.id}/checkpoints`), {
      method: 'POST',
      token: session.hostToken,
    })
    expect(checkpoint.status).toBe(201)

    const byAttendee = await request(api(`/sessions/${session.id}`), {
      method: 'DELETE',
      token: attendee.token,
    })
    expect(byAttendee.status).toBe(403)
    const other = await createSession(server.url, { title: 'Someone else’s' })
    expect(
      (
        await request(api(`/sessions/${session.id}`), {
          method: 'DELETE',
          token: other.hostToken,
        })
      ).status,
    ).toBe(403)

    const deleted = await request(api(`/sessions/${session.id}`), {
      method: 'DELETE',
      token: session.hostToken,
    })
    expect(deleted.status).toBe(204)
    await waitFor(() => refusals.includes('session-not-found'), 10_000, 'the socket refused')

    const db = kysely()
    for (const table of [
      'users',
      'votes',
      'ingested',
      'checkpoints',
      'invites',
      'audit_log',
      'domain_events',
    ] as const) {
      // A tick under way when the sockets closed may still write (a participant left); the
      // deletion sweeps again once the session's documents are let go of.
      const rows = () =>
        db.selectFrom(table).select('session_id').where('session_id', '=', session.id).execute()
      const until = Date.now() + 10_000
      while ((await rows()).length > 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100))
      expect(await rows(), table).toEqual([])
    }
    expect(
      await db.selectFrom('sessions').select('id').where('id', '=', session.id).execute(),
    ).toEqual([])
    const documents = await db
      .selectFrom('document_updates')
      .select('name')
      .where('name', 'like', `%${session.id}%`)
      .execute()
    expect(documents).toEqual([])
    // The code is free, the session is gone for everyone, and the other session is untouched.
    expect((await request(api('/join'), { body: { code: session.code } })).status).toBe(404)
    expect(
      (await request(api(`/sessions/${session.id}`), { token: session.hostToken })).status,
    ).toBe(404)
    expect((await request(api(`/sessions/${other.id}`), { token: other.hostToken })).status).toBe(
      200,
    )
  })

  it('takes no body on either route', async () => {
    const session = await createSession(server.url, { title: 'Strict' })
    const res = await request<Problem>(api(`/sessions/${session.id}/duplicate`), {
      body: { title: 'Another' },
      token: session.hostToken,
    })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toMatch(/problem\+json/)
    expect(res.body.detail).toMatch(/takes no fields/)
  })
})
