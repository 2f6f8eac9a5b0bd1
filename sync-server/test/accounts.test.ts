import { readdirSync, readFileSync } from 'node:fs'
import { join as joinPath } from 'node:path'
import { documentName, PublicDoc } from '@podium/shared'
import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { followLink, refreshWith, signInByEmail } from '../../test-support/accounts.ts'
import { type Inbox, linkIn, startInbox } from '../../test-support/mail.ts'
import { request, startPodium, startPodiumOn, type TestPodium } from '../../test-support/podium.ts'
import { sweepSignIns } from '../src/auth/domain.ts'
import { createSession, join, TestClient, waitFor } from './helpers/clients.ts'
import { DIALECTS } from './helpers/databases.ts'

let mailbox = 0
const address = () => `person-${Date.now()}-${++mailbox}@example.org`

describe.each(DIALECTS)('accounts on %s', (dialect) => {
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

  const signIn = (email = address()) => signInByEmail(server.url, inbox, email)

  it('lists e-mail as the one provider when none other is configured', async () => {
    const res = await request(api('/auth/providers'))
    expect(res.body).toEqual({ providers: [{ id: 'email', name: 'E-mail' }] })
  })

  it('signs in with an e-mail link: one line with the URL, a refresh cookie, then an account token', async () => {
    const email = address()
    const asked = await request(api('/auth/email'), {
      body: { email: `  ${email.toUpperCase()} `, returnTo: '/me?tab=hosting' },
    })
    expect(asked.status).toBe(202)
    const mail = await inbox.next(email)
    expect(mail.subject).toMatch(/sign-in link/i)
    const link = linkIn(mail)
    expect(link.startsWith(`${server.url}/api/auth/email/callback?token=`)).toBe(true)
    // Only the hash is stored.
    const stored = await server.podium.services.db.kysely
      .selectFrom('email_links')
      .select('hash')
      .where('email', '=', email)
      .executeTakeFirstOrThrow()
    expect(link).not.toContain(stored.hash)

    const response = await fetch(link, { redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/me?tab=hosting')
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('podium_refresh='))
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    expect(cookie).toMatch(/Path=\/api\/auth/)
    expect(cookie).not.toMatch(/Secure/) // plain http here; Secure under https

    const value = /^podium_refresh=([^;]+)/.exec(cookie ?? '')?.[1] ?? ''
    const renewed = await refreshWith(server.url, value)
    expect(renewed.status).toBe(200)
    expect(renewed.body.account.email).toBe(email)
    expect(renewed.body.expiresAt - Date.now()).toBeLessThanOrEqual(15 * 60_000)
    const me = await request<any>(api('/me'), { token: renewed.body.accessToken })
    expect(me.status).toBe(200)
    expect(me.body.account).toMatchObject({ email, name: null })
    expect(me.body.devices).toHaveLength(1)
    expect(me.body.devices[0].current).toBe(true)
  })

  it('answers 202 for any address, and mails each address at most five times a quarter hour', async () => {
    const email = address()
    for (let i = 0; i < 7; i++) {
      const res = await request(api('/auth/email'), { body: { email } })
      expect(res.status).toBe(202)
    }
    await waitFor(() => inbox.messages.length > 0, 5000, 'mail')
    await new Promise((r) => setTimeout(r, 300))
    const sent = inbox.messages.filter((m) => JSON.stringify(m.to).includes(email))
    expect(sent).toHaveLength(5)
  })

  it('refuses used, expired and forged links, and writes nothing for them', async () => {
    const email = address()
    await request(api('/auth/email'), { body: { email } })
    const link = linkIn(await inbox.next(email))
    expect((await followLink(link)).status).toBe(302)

    const again = await request<any>(link)
    expect(again.status).toBe(410)
    expect(again.body.detail).toMatch(/used already/)
    // A browser gets the sign-in page, which says the same.
    const page = await fetch(link, { redirect: 'manual', headers: { accept: 'text/html' } })
    expect(page.headers.get('location')).toBe('/signin?error=link-used')

    const forged = await request<any>(api('/auth/email/callback?token=not-a-real-link-token'))
    expect(forged.status).toBe(400)
    expect(forged.headers.get('content-type')).toMatch(/problem\+json/)

    const late = address()
    await request(api('/auth/email'), { body: { email: late } })
    const lateLink = linkIn(await inbox.next(late))
    await server.podium.services.db.kysely
      .updateTable('email_links')
      .set({ expires_at: Date.now() - 1 })
      .where('email', '=', late)
      .execute()
    const expired = await followLink(lateLink)
    expect(expired.status).toBe(410)
    expect(expired.cookie).toBeUndefined()
    const accounts = await server.podium.services.db.kysely
      .selectFrom('accounts')
      .select('id')
      .where('email', '=', late)
      .execute()
    expect(accounts).toHaveLength(0)
  })

  it('refuses a returnTo elsewhere and an address with a line break', async () => {
    for (const returnTo of ['https://evil.example/', '//evil.example/x', '/\\evil', 'me']) {
      const res = await request<any>(api('/auth/email'), { body: { email: address(), returnTo } })
      expect(res.status, returnTo).toBe(400)
      expect(res.body.detail).toMatch(/returnTo must be a path on this site/)
    }
    const injected = await request<any>(api('/auth/email'), {
      body: { email: 'ada@example.org\r\nBcc: all@example.org' },
    })
    expect(injected.status).toBe(400)
    expect(injected.body.detail).toMatch(/one line/)
  })

  it('rotates the refresh token at each use; a replayed one signs the device out and closes its sockets', async () => {
    const person = await signIn()
    const session = await createSession(server.url, { title: 'Rotation' })
    const joined = await request<any>(api('/join'), {
      body: { code: session.code },
      token: person.accessToken,
    })
    expect(joined.status).toBe(200)
    const client = new TestClient(server.syncUrl, joined.body)
    clients.push(client)
    await client.synced()
    const refusals: string[] = []
    client
      .provider('public')
      .on('authenticationFailed', ({ reason }: { reason: string }) => refusals.push(reason))

    const stolen = person.cookie
    expect((await person.refresh()).status).toBe(200)
    expect(person.cookie).not.toBe(stolen)
    // The person's browser refreshes again: the copied token is one used twice before.
    expect((await person.refresh()).status).toBe(200)
    const replay = await refreshWith(server.url, stolen)
    expect(replay.status).toBe(401)
    expect(replay.body.detail).toMatch(/signed out to keep your account safe/)
    // The whole family ends: the token rotated in good faith too.
    expect((await refreshWith(server.url, person.cookie)).status).toBe(401)
    expect((await request(api('/me'), { token: person.accessToken })).status).toBe(401)
    await waitFor(() => refusals.includes('signed-out'), 10_000, 'the socket closed and refused')
  })

  it('lets a browser whose refresh answer was lost retry once, and still catches a copy', async () => {
    // The answer is lost: the browser retries with the token it has, within the grace.
    const person = await signIn()
    const before = person.cookie
    const lost = await refreshWith(server.url, before)
    expect(lost.status).toBe(200)
    const retried = await refreshWith(server.url, before)
    expect(retried.status).toBe(200)
    expect(retried.cookie).toBeDefined()
    expect(retried.cookie).not.toBe(lost.cookie)
    // The browser goes on with what the retry gave it.
    expect((await refreshWith(server.url, retried.cookie!)).status).toBe(200)

    // Had the first answer reached someone after all (a copied cookie used within the
    // grace), the token it carried comes back later: that is a replay, and it signs out.
    const other = await signIn()
    const copied = other.cookie
    expect((await other.refresh()).status).toBe(200)
    const carried = other.cookie
    const thief = await refreshWith(server.url, copied)
    expect(thief.status).toBe(200)
    const caught = await refreshWith(server.url, carried)
    expect(caught.status).toBe(401)
    expect(caught.body.detail).toMatch(/signed out to keep your account safe/)
    expect((await refreshWith(server.url, thief.cookie!)).status).toBe(401)
  })

  it('gives one account the same participant on every device, with a short token', async () => {
    const email = address()
    const laptop = await signIn(email)
    const phone = await signIn(email)
    const me = await request<any>(api('/me'), { token: phone.accessToken })
    expect(me.body.devices).toHaveLength(2)
    const session = await createSession(server.url, { title: 'Two devices' })
    const a = await request<any>(api('/join'), {
      body: { code: session.code, name: 'Ada' },
      token: laptop.accessToken,
    })
    const b = await request<any>(api('/join'), {
      body: { code: session.code },
      token: phone.accessToken,
    })
    expect(b.body.userId).toBe(a.body.userId)
    expect(b.body.name).toBe('Ada')
    const claims = JSON.parse(Buffer.from(b.body.token.split('.')[1], 'base64url').toString())
    expect(claims.exp - Date.now() / 1000).toBeLessThanOrEqual(15 * 60)
    expect(claims.acc).toBe(laptop.accountId)

    // Signing the phone out from the laptop ends the phone's tokens, not the laptop's.
    const phoneDevice = me.body.devices.find((d: any) => d.current).id
    const removed = await request(api(`/me/devices/${phoneDevice}`), {
      method: 'DELETE',
      token: laptop.accessToken,
    })
    expect(removed.status).toBe(204)
    expect((await phone.refresh()).status).toBe(401)
    expect((await request(api(`/sessions/${session.id}`), { token: b.body.token })).status).toBe(
      401,
    )
    expect((await request(api('/me'), { token: laptop.accessToken })).status).toBe(200)
    const renewed = await request<any>(api(`/me/sessions/${session.id}/token`), {
      method: 'POST',
      token: laptop.accessToken,
    })
    expect(renewed.body.userId).toBe(a.body.userId)
  })

  it('hands me what I contributed to a session I attended, and nothing of anyone else', async () => {
    const me = await signIn()
    const other = await signIn()
    const session = await createSession(server.url, { title: 'Contributions' })
    const mine = await request<any>(api('/join'), {
      body: { code: session.code, name: 'Mo' },
      token: me.accessToken,
    })
    const theirs = await request<any>(api('/join'), {
      body: { code: session.code, name: 'Theo' },
      token: other.accessToken,
    })
    const a = new TestClient(server.syncUrl, mine.body)
    const b = new TestClient(server.syncUrl, theirs.body)
    clients.push(a, b)
    await Promise.all([a.synced(), b.synced()])
    const asked = a.outbox.ask('Mine, named').questionId
    a.outbox.ask('Mine, without a name', true)
    b.outbox.ask('Not mine')
    await waitFor(() => a.public.questions().length === 3, 20_000, 'three questions published')
    const theirQuestion = a.public.questions().find((q) => q.text === 'Not mine')!.id
    a.outbox.vote(theirQuestion, true)
    await waitFor(() => a.public.question(theirQuestion)?.votes === 1, 20_000, 'the vote counted')

    const got = await request<any>(api(`/me/sessions/${session.id}/data`), {
      token: me.accessToken,
    })
    expect(got.status).toBe(200)
    expect(got.body.you).toMatchObject({ userId: mine.body.userId, name: 'Mo' })
    expect(got.body.session).toMatchObject({ id: session.id, title: 'Contributions' })
    expect(got.body.questions.map((q: any) => [q.text, q.anonymous, q.state]).sort()).toEqual([
      ['Mine, named', false, 'Published'],
      ['Mine, without a name', true, 'Published'],
    ])
    expect(got.body.questions.find((q: any) => q.id === asked)).toBeTruthy()
    expect(got.body.votes).toEqual([{ questionId: theirQuestion, question: 'Not mine' }])
    expect(got.body.pollAnswers).toEqual([])

    // Another's session, an unknown one, a guest token and no token.
    const elsewhere = await createSession(server.url, { title: 'Not joined' })
    for (const [path, token, status] of [
      [`/me/sessions/${elsewhere.id}/data`, me.accessToken, 404],
      ['/me/sessions/no-such-session/data', me.accessToken, 404],
      [`/me/sessions/${session.id}/data`, mine.body.token, 401],
      [`/me/sessions/${session.id}/data`, undefined, 401],
    ] as const) {
      const refused = await request<any>(api(path), { token })
      expect(refused.status, path).toBe(status)
      expect(refused.headers.get('content-type')).toMatch(/problem\+json/)
      expect(refused.body.detail).toBeTruthy()
    }
  })

  it('makes the signed-in creator the owner and lists hosted, staff and attended sessions', async () => {
    const host = await signIn()
    const created = await request<any>(api('/sessions'), {
      body: { title: 'Weekly town hall' },
      token: host.accessToken,
    })
    expect(created.status).toBe(201)
    const row = await server.podium.services.db.kysely
      .selectFrom('sessions')
      .select('owner_account_id')
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow()
    expect(row.owner_account_id).toBe(host.accountId)

    const moderator = await signIn()
    const invite = await request<any>(api(`/sessions/${created.body.id}/invites`), {
      body: { role: 'moderator' },
      token: created.body.hostToken,
    })
    // Joined first as an attendee, then invited: the same participant takes the role.
    const attendee = await request<any>(api('/join'), {
      body: { code: created.body.code },
      token: moderator.accessToken,
    })
    const accepted = await request<any>(api('/invites/accept'), {
      body: { invite: invite.body.invite },
      token: moderator.accessToken,
    })
    expect(accepted.status).toBe(200)
    expect(accepted.body.userId).toBe(attendee.body.userId)
    const again = await request<any>(api('/join'), {
      body: { code: created.body.code },
      token: moderator.accessToken,
    })
    expect(again.body.role).toBe('moderator')

    const other = await createSession(server.url, { title: 'Attended' })
    await request(api('/join'), { body: { code: other.code }, token: host.accessToken })
    const mine = await request<any>(api('/me/sessions'), { token: host.accessToken })
    expect(mine.body.hosting.map((s: any) => s.title)).toEqual(['Weekly town hall'])
    expect(mine.body.attended.map((s: any) => s.title)).toEqual(['Attended'])
    const theirs = await request<any>(api('/me/sessions'), { token: moderator.accessToken })
    expect(theirs.body.staff.map((s: any) => [s.title, s.role])).toEqual([
      ['Weekly town hall', 'moderator'],
    ])
  })

  it('lets a guest who signs in later claim their participant', async () => {
    const session = await createSession(server.url, { title: 'Claim' })
    const guest = await join(server.url, session.code, 'Grace')
    const person = await signIn()
    const claimed = await request<any>(api('/me/claim'), {
      body: { token: guest.token },
      token: person.accessToken,
    })
    expect(claimed.status).toBe(200)
    expect(claimed.body.userId).toBe(guest.userId)
    const rejoined = await request<any>(api('/join'), {
      body: { code: session.code },
      token: person.accessToken,
    })
    expect(rejoined.body.userId).toBe(guest.userId)
    // Nobody else can take it now.
    const thief = await signIn()
    const stolen = await request<any>(api('/me/claim'), {
      body: { token: guest.token },
      token: thief.accessToken,
    })
    expect(stolen.status).toBe(409)
  })

  it('deletes an account: identities and devices go, its questions stay as a former participant', async () => {
    const person = await signIn()
    const session = await createSession(server.url, { title: 'Deletion' })
    const joined = await request<any>(api('/join'), {
      body: { code: session.code, name: 'Linus' },
      token: person.accessToken,
    })
    await server.podium.services.docs.change(documentName.public(session.id), (doc) => {
      new PublicDoc(doc).putQuestion({
        id: 'q-deleted-1',
        text: 'Will this stay?',
        authorId: joined.body.userId,
        authorName: 'Linus',
        createdAt: Date.now(),
        votes: 0,
        answered: false,
        status: 'visible',
        pinned: false,
        labels: [],
      } as never)
    })
    // Its presence is recorded by analytics under its participant's id…
    const client = new TestClient(server.syncUrl, joined.body)
    clients.push(client)
    await client.synced()
    const db0 = server.podium.services.db.kysely
    const recorded = () =>
      db0
        .selectFrom('analytics_events')
        .select('participant_id')
        .where('session_id', '=', session.id)
        .where('participant_id', '=', joined.body.userId)
        .execute()
    for (let i = 0; (await recorded()).length === 0; i++) {
      if (i > 500) throw new Error('presence was not recorded')
      await new Promise((r) => setTimeout(r, 20))
    }
    const deleted = await request(api('/me'), { method: 'DELETE', token: person.accessToken })
    expect(deleted.status).toBe(204)
    expect((await person.refresh()).status).toBe(401)
    expect((await request(api('/me'), { token: person.accessToken })).status).toBe(401)
    const db = server.podium.services.db.kysely
    expect(
      await db.selectFrom('accounts').select('id').where('id', '=', person.accountId).execute(),
    ).toEqual([])
    expect(
      await db
        .selectFrom('devices')
        .select('id')
        .where('account_id', '=', person.accountId)
        .execute(),
    ).toEqual([])
    let shown: string | null | undefined
    await server.podium.services.docs.change(documentName.public(session.id), (doc) => {
      shown = new PublicDoc(doc).question('q-deleted-1')?.authorName
    })
    expect(shown).toBe('Former participant')
    // …and loses it with the account.
    expect(await recorded()).toEqual([])
  })

  it('sweeps ended refresh tokens, links and abandoned provider sign-ins, keeping live ones', async () => {
    const person = await signIn()
    const db = server.podium.services.db.kysely
    const past = Date.now() - 1000
    await db
      .insertInto('auth_requests')
      .values([
        {
          state: 'old-state',
          provider: 'oidc',
          code_verifier: 'v',
          nonce: 'n',
          return_to: null,
          created_at: past,
          expires_at: past,
        },
        {
          state: 'new-state',
          provider: 'oidc',
          code_verifier: 'v',
          nonce: 'n',
          return_to: null,
          created_at: past,
          expires_at: Date.now() + 600_000,
        },
      ])
      .execute()
    await db
      .insertInto('refresh_tokens')
      .values({ hash: 'ended-token-hash', device_id: 'gone', created_at: past, expires_at: past })
      .execute()
    await sweepSignIns(server.podium.services.auth, server.podium.services.db)
    const states = await db
      .selectFrom('auth_requests')
      .select('state')
      .where('state', 'in', ['old-state', 'new-state'])
      .execute()
    expect(states.map((r) => r.state)).toEqual(['new-state'])
    expect(
      await db
        .selectFrom('refresh_tokens')
        .select('hash')
        .where('hash', '=', 'ended-token-hash')
        .execute(),
    ).toEqual([])
    // The person's live token still renews.
    expect((await person.refresh()).status).toBe(200)
  })

  it('refuses forged and expired account tokens on create and join instead of making a guest', async () => {
    const session = await createSession(server.url, { title: 'Forged' })
    const forged = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ typ: 'account', sub: 'x', dev: 'y' })).toString('base64url')}.sig`
    const res = await request<any>(api('/join'), { body: { code: session.code }, token: forged })
    expect(res.status).toBe(401)
    const created = await request<any>(api('/sessions'), { body: { title: 'x' }, token: forged })
    expect(created.status).toBe(401)
  })
})

describe('sign-in mail without SMTP_URL', () => {
  it('writes the mail as an .eml file under DATA_DIR/mail', async () => {
    const server = await startPodium()
    try {
      const res = await request(`${server.url}/api/auth/email`, {
        body: { email: 'local@example.org' },
      })
      expect(res.status).toBe(202)
      const folder = joinPath(server.dataDir, 'mail')
      const files = readdirSync(folder).filter((f) => f.endsWith('.eml'))
      expect(files).toHaveLength(1)
      const mail = await simpleParser(readFileSync(joinPath(folder, files[0] ?? '')))
      expect(mail.to).toMatchObject({ text: 'local@example.org' })
      expect(linkIn(mail)).toMatch(/\/api\/auth\/email\/callback\?token=/)
    } finally {
      await server.close()
    }
  })
})

describe('sign-in mails with two instances on one Postgres', () => {
  it('counts the mails to one address across both: five a quarter hour in all', async () => {
    const { createTestSchema } = await import('../../test-support/postgres.ts')
    const inbox = await startInbox()
    const schema = await createTestSchema()
    const env = { SMTP_URL: inbox.url, DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema }
    const first = await startPodium(env)
    const second = await startPodium(env)
    try {
      const email = address()
      for (let i = 0; i < 8; i++) {
        const server = i % 2 === 0 ? first : second
        const res = await request(`${server.url}/api/auth/email`, { body: { email } })
        expect(res.status).toBe(202)
      }
      await waitFor(() => inbox.messages.length >= 5, 10_000, 'five mails')
      await new Promise((r) => setTimeout(r, 300))
      expect(inbox.messages.filter((m) => JSON.stringify(m.to).includes(email))).toHaveLength(5)
    } finally {
      await first.close()
      await second.close()
      await schema.drop()
      await inbox.close()
    }
  }, 60_000)
})
