import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import type { ParsedMail } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInByEmail } from '../../test-support/accounts.ts'
import { type Inbox, startInbox } from '../../test-support/mail.ts'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { UnsubscribeTokens } from '../src/notifications/unsubscribe.ts'
import { createSession, TestClient, waitFor } from './helpers/clients.ts'

// E-mail through the queue, read by a real SMTP server and mailparser: both parts, the
// headers, every value escaped, and the links in them working when followed.

const SECRET = 'test-secret-test-secret-test-secret-0000'
let mailbox = 0
const address = (what: string) => `${what}-${Date.now()}-${++mailbox}@example.org`

/** A header as it came on the wire, unfolded; 'null' when the mail has none. */
const header = (mail: ParsedMail, name: string) => {
  const line = mail.headerLines.find((h) => h.key === name)?.line
  return line
    ? line
        .slice(line.indexOf(':') + 1)
        .replace(/\r?\n\s+/g, ' ')
        .trim()
    : 'null'
}
const linesOf = (mail: ParsedMail) => (mail.text ?? '').split('\n').map((l) => l.trim())
const unsubscribeUrl = (mail: ParsedMail) =>
  /^<([^>]+)>$/.exec(header(mail, 'list-unsubscribe'))?.[1] ?? ''

describe('notification e-mail', () => {
  let server: TestPodium
  let inbox: Inbox
  const clients: TestClient[] = []
  const api = (path: string) => `${server.url}/api${path}`

  beforeAll(async () => {
    inbox = await startInbox()
    server = await startPodium({ SMTP_URL: inbox.url }, { notifications: { pollMs: 50 } })
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server.close()
    await inbox.close()
  })

  it('[NE-1] invites by e-mail: both parts, one-click unsubscribe headers, no header injected from a name', async () => {
    const session = await createSession(server.url, {
      title: 'Town hall <b>Q3</b> & "friends"',
      hostName: 'Ada\r\nBcc: everyone@example.org',
    })
    for (const [bad, says] of [
      ['ada at example.org', /email must be an e-mail address/],
      ['ada@example.org\r\nBcc: all@example.org', /email must be on one line/],
    ] as const) {
      const refused = await request<any>(api(`/sessions/${session.id}/invites`), {
        token: session.hostToken,
        body: { role: 'moderator', email: bad },
      })
      expect(refused.status, bad).toBe(400)
      expect(refused.body.detail, bad).toMatch(says)
    }
    const email = address('invitee')
    const created = await request<any>(api(`/sessions/${session.id}/invites`), {
      token: session.hostToken,
      body: { role: 'moderator', email: email.toUpperCase() },
    })
    expect(created.status).toBe(201)
    expect(created.body.emailed).toBe(true)
    const mail = await inbox.next(email)

    // The name's line break did not become a header.
    expect(mail.bcc).toBeUndefined()
    expect(header(mail, 'bcc')).toBe('null')
    expect(mail.subject).toBe(
      'Ada Bcc: everyone@example.org invites you to moderate "Town hall <b>Q3</b> & "friends""',
    )
    // The text part carries values as they are; the HTML part escapes every one.
    expect(linesOf(mail)).toContain(created.body.url)
    expect(mail.text).toContain('Town hall <b>Q3</b> & "friends"')
    expect(mail.html).toContain('Town hall &lt;b&gt;Q3&lt;/b&gt; &amp; &quot;friends&quot;')
    expect(mail.html).not.toContain('<b>Q3</b>')
    expect(mail.html).toContain(`href="${created.body.url}"`)
    expect(mail.messageId).toMatch(/^<[\w-]+@127\.0\.0\.1>$/)

    // Not strictly transactional: RFC 8058 one-click unsubscribe, and the same link in the text.
    expect(header(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click')
    const unsubscribe = unsubscribeUrl(mail)
    expect(unsubscribe).toMatch(/\/api\/unsubscribe\?token=/)
    expect(mail.text).toContain(unsubscribe)

    // The invite link works: accepting it makes a moderator.
    const invite = created.body.url.split('/i/')[1]
    const accepted = await request<any>(api('/invites/accept'), { body: { invite, name: 'Mo' } })
    expect(accepted.status).toBe(200)
    expect(accepted.body.role).toBe('moderator')

    // The unsubscribe link: GET asks (and changes nothing), the one-click POST stops it.
    const asked = await request<any>(unsubscribe)
    expect(asked.status).toBe(200)
    expect(asked.body).toMatchObject({ email, kind: 'invite' })
    const page = await fetch(unsubscribe, { headers: { accept: 'text/html' } })
    expect(await page.text()).toMatch(/<form method="post"/)
    const again = await request<any>(api(`/sessions/${session.id}/invites`), {
      token: session.hostToken,
      body: { role: 'presenter', email },
    })
    expect(again.body.emailed).toBe(true)
    await inbox.next(email)
    const oneClick = await fetch(unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    })
    expect(oneClick.status).toBe(200)
    expect(await oneClick.json()).toMatchObject({ unsubscribed: true, kind: 'invite' })
    const after = await request<any>(api(`/sessions/${session.id}/invites`), {
      token: session.hostToken,
      body: { role: 'presenter', email },
    })
    expect(after.status).toBe(201)
    expect(after.body.emailed).toBe(false)
  })

  it('[NE-2] refuses forged and expired unsubscribe links with a clear error', async () => {
    const tokens = new UnsubscribeTokens(SECRET, Date.now)
    const good = tokens.sign('someone@example.org', 'reminder', null)
    const forged = `${good.slice(0, -3)}${good.endsWith('A') ? 'B' : 'A'}xx`
    for (const method of ['GET', 'POST']) {
      const res = await request<any>(api(`/unsubscribe?token=${forged}`), { method })
      expect(res.status).toBe(400)
      expect(res.headers.get('content-type')).toMatch(/problem\+json/)
      expect(res.body.detail).toMatch(/not valid/)
    }
    // Someone else's address in a token signed with another key.
    const other = new UnsubscribeTokens('another-secret-another-secret-000000', Date.now)
    const elsewhere = await request<any>(
      api(`/unsubscribe?token=${other.sign('victim@example.org', 'reminder', null)}`),
      { method: 'POST' },
    )
    expect(elsewhere.status).toBe(400)
    // Signed half a year ago: expired.
    const old = new UnsubscribeTokens(SECRET, () => Date.now() - 181 * 24 * 3_600_000)
    const expired = await request<any>(
      api(`/unsubscribe?token=${old.sign('someone@example.org', 'reminder', null)}`),
      { method: 'POST' },
    )
    expect(expired.status).toBe(410)
    expect(expired.body.detail).toMatch(/expired/)
    const page = await fetch(api(`/unsubscribe?token=${forged}`), {
      headers: { accept: 'text/html' },
    })
    expect(page.status).toBe(400)
    expect(await page.text()).toMatch(/<h1>Bad request<\/h1>/)
    const missing = await request<any>(api('/unsubscribe'))
    expect(missing.status).toBe(400)
    expect(missing.body.detail).toMatch(/token is missing/)
    // Nothing was suppressed by any of them.
    const rows = await server.podium.services.db.kysely
      .selectFrom('notification_suppressions')
      .selectAll()
      .where('email', 'in', ['someone@example.org', 'victim@example.org'])
      .execute()
    expect(rows).toEqual([])
  })

  it('[NE-3] preferences per kind and channel: defaults, changes, and what cannot change', async () => {
    const prefsEmail = address('prefs')
    const person = await signInByEmail(server.url, inbox, prefsEmail)
    const token = person.accessToken
    // The sign-in mail is transactional: no unsubscribe header, no footer.
    const signInMail = inbox.messages.find((m) => JSON.stringify(m.to).includes(prefsEmail))!
    expect(header(signInMail, 'list-unsubscribe')).toBe('null')
    expect(signInMail.text).not.toMatch(/unsubscribe/i)
    expect(signInMail.html).toContain('Sign in to Podium</a>')
    const got = await request<any>(api('/me/notifications'), { token })
    expect(got.status).toBe(200)
    expect(got.body.offered).toEqual(['email', 'push'])
    const kinds = Object.fromEntries(got.body.kinds.map((k: any) => [k.kind, k]))
    expect(kinds.answered.channels).toEqual({ email: false, push: false })
    expect(kinds.reminder.channels).toEqual({ email: true, push: true })
    expect(kinds['sign-in']).toMatchObject({ transactional: true, channels: { email: true } })
    expect(got.body.pushPublicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/)

    const put = await request<any>(api('/me/notifications'), {
      method: 'PUT',
      token,
      body: { kinds: { answered: { email: true }, reminder: { push: false } } },
    })
    expect(put.status).toBe(200)
    const changed = Object.fromEntries(put.body.kinds.map((k: any) => [k.kind, k.channels]))
    expect(changed.answered).toEqual({ email: true, push: false })
    expect(changed.reminder).toEqual({ email: true, push: false })

    const refusals: Array<[unknown, RegExp]> = [
      [{ kinds: { 'sign-in': { email: false } } }, /cannot be turned off/],
      [{ kinds: { summary: { push: true } } }, /not sent by push/],
      [{ kinds: { reminder: { sms: true } } }, /does not offer sms/],
      [{ kinds: { gossip: { email: true } } }, /kinds are sign-in, phone-code, invite/],
      [{ kinds: { reminder: { email: 'yes' } } }, /true or false/],
      [{ kinds: { reminder: { pigeon: true } } }, /channels are email, push, sms/],
    ]
    for (const [body, says] of refusals) {
      const res = await request<any>(api('/me/notifications'), { method: 'PUT', token, body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(JSON.stringify(res.body), JSON.stringify(body)).toMatch(says)
    }
    expect((await request(api('/me/notifications'))).status).toBe(401)
    // Without SMS configured, no number is taken.
    const phone = await request<any>(api('/me/phone'), {
      method: 'PUT',
      token,
      body: { phone: '+4930123456' },
    })
    expect(phone.status).toBe(501)
    expect(phone.body.detail).toMatch(/SMS is not configured/)
  })

  it('[NE-4] tells an asker who opted in that their question was answered; nobody else', async () => {
    const host = await createSession(server.url, { title: 'Ask me anything' })
    const optedIn = await signInByEmail(server.url, inbox, address('asker'))
    const silent = await signInByEmail(server.url, inbox, address('quiet'))
    await request(api('/me/notifications'), {
      method: 'PUT',
      token: optedIn.accessToken,
      body: { kinds: { answered: { email: true } } },
    })
    const join = async (token: string, name: string) =>
      (await request<any>(api('/join'), { token, body: { code: host.code, name } })).body
    const a = await join(optedIn.accessToken, 'Asker')
    const b = await join(silent.accessToken, 'Quiet')
    const hostClient = new TestClient(
      server.syncUrl,
      { sessionId: host.id, userId: host.hostUserId, token: host.hostToken },
      {},
      true,
    )
    const aClient = new TestClient(server.syncUrl, a)
    const bClient = new TestClient(server.syncUrl, b)
    clients.push(hostClient, aClient, bClient)
    await Promise.all([hostClient.synced(), aClient.synced(), bClient.synced()])
    const qa = aClient.outbox.ask('Is <script>alert(1)</script> escaped?').questionId
    const qb = bClient.outbox.ask('And mine?').questionId
    await waitFor(
      () => hostClient.public.hasQuestion(qa) && hostClient.public.hasQuestion(qb),
      5000,
      'both questions published',
    )
    hostClient.public.updateQuestion(qa, { answered: true })
    hostClient.public.updateQuestion(qb, { answered: true })
    const me = await request<any>(api('/me'), { token: optedIn.accessToken })
    const mail = await inbox.next(me.body.account.email)
    expect(mail.subject).toBe('Your question was answered in "Ask me anything"')
    expect(mail.text).toContain('Is <script>alert(1)</script> escaped?')
    expect(mail.html).toContain('Is &lt;script&gt;alert(1)&lt;/script&gt; escaped?')
    expect(mail.html).not.toContain('<script>')
    expect(linesOf(mail).some((l) => l.endsWith(`/j/${host.code}`))).toBe(true)
    expect(header(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click')

    // Unsubscribing from the mail turns the account's preference off.
    const res = await fetch(unsubscribeUrl(mail), { method: 'POST' })
    expect(res.status).toBe(200)
    const prefs = await request<any>(api('/me/notifications'), { token: optedIn.accessToken })
    expect(prefs.body.kinds.find((k: any) => k.kind === 'answered').channels.email).toBe(false)

    await server.podium.services.events.drain()
    await server.podium.services.notifications.worker.idle()
    const silentMe = await request<any>(api('/me'), { token: silent.accessToken })
    const toSilent = inbox.messages.filter(
      (m) =>
        JSON.stringify(m.to).includes(silentMe.body.account.email) &&
        /answered/.test(m.subject ?? ''),
    )
    expect(toSilent).toEqual([])
  })

  it('[NE-5] sends the host a summary when the session ends', async () => {
    const email = address('host')
    const host = await signInByEmail(server.url, inbox, email)
    const created = await request<any>(api('/sessions'), {
      token: host.accessToken,
      body: { title: 'Quarterly review' },
    })
    for (const status of ['live', 'ended'])
      await request(api(`/sessions/${created.body.id}/status`), {
        token: created.body.hostToken,
        body: { status },
      })
    const mail = await inbox.next(email)
    expect(mail.subject).toBe('How "Quarterly review" went')
    expect(mail.text).toMatch(/Participants: 1/)
    expect(mail.text).toMatch(/Questions: 0 \(0 answered\)/)
    expect(mail.html).toMatch(/<strong>1<\/strong>/)

    // The host's view lists it, sent.
    const listed = await request<any>(api(`/sessions/${created.body.id}/notifications`), {
      token: created.body.hostToken,
    })
    expect(listed.body.notifications).toMatchObject([
      { kind: 'summary', channel: 'email', status: 'sent', attempts: 1 },
    ])
    expect(listed.body.notifications[0].to).toMatch(/^h…@example\.org$/)

    // A sent one is not sent again; a dead one is, once the host asks.
    const id = listed.body.notifications[0].id
    const retry = (token: string) =>
      request<any>(api(`/sessions/${created.body.id}/notifications/${id}/retry`), {
        method: 'POST',
        token,
      })
    const refused = await retry(created.body.hostToken)
    expect(refused.status).toBe(409)
    expect(refused.body.detail).toMatch(/This notification is sent/)
    const { db } = server.podium.services
    await db.kysely
      .updateTable('notifications')
      .set({ status: 'dead', last_error: 'the relay was down' })
      .where('id', '=', id)
      .execute()
    const attendee = await request<any>(api('/join'), { body: { code: created.body.code } })
    expect((await retry(attendee.body.token)).status).toBe(403)
    const retried = await retry(created.body.hostToken)
    expect(retried.status).toBe(200)
    expect(retried.body).toEqual({ id, status: 'queued' })
    const again = await inbox.next(email)
    expect(again.subject).toBe('How "Quarterly review" went')
    expect(again.messageId).toBe(mail.messageId)
  })
  it('[NE-8] forgets a deleted account: its settings go, and nothing more is sent to it', async () => {
    const email = address('leaving')
    const person = await signInByEmail(server.url, inbox, email)
    const token = person.accessToken
    const session = await createSession(server.url, { title: 'Leaving' })
    await request(api('/me/notifications'), {
      method: 'PUT',
      token,
      body: { kinds: { answered: { email: true } } },
    })
    await request(api('/me/follows'), { token, body: { code: session.code } })
    const browser = await request<any>(api('/push/subscriptions'), {
      token,
      body: {
        endpoint: 'https://push.example.org/send/abc',
        keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'A'.repeat(22) },
      },
    })
    expect(browser.status).toBe(201)
    const { db, notifications } = server.podium.services
    // A message for later, still queued when the account goes.
    await db.kysely.transaction().execute((trx) =>
      notifications.notifier.toAccount(trx, person.accountId, {
        kind: 'answered',
        sessionId: session.id,
        subject: 'later',
        data: { sessionId: session.id, questionId: 'q-later' },
        notBefore: Date.now() + 3_600_000,
      }),
    )
    expect((await request(api('/me'), { method: 'DELETE', token })).status).toBe(204)
    for (const table of [
      'notification_preferences',
      'push_subscriptions',
      'session_follows',
    ] as const) {
      const left = await db.kysely
        .selectFrom(table)
        .select('account_id')
        .where('account_id', '=', person.accountId)
        .execute()
      expect(left, table).toEqual([])
    }
    const rows = await db.kysely
      .selectFrom('notifications')
      .select(['status', 'email', 'last_error', 'kind'])
      .where('account_id', '=', person.accountId)
      .execute()
    expect(rows.find((r) => r.kind === 'answered')).toMatchObject({
      status: 'dead',
      email: null,
      last_error: 'the account was deleted',
    })
    expect(rows.every((r) => r.email === null)).toBe(true)
  })
})

describe('operator templates under DATA_DIR/templates', () => {
  const dirs: string[] = []
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })
  const dataDirWith = (files: Record<string, string>) => {
    const dir = mkdtempSync(joinPath(tmpdir(), 'podium-templates-'))
    dirs.push(dir)
    mkdirSync(joinPath(dir, 'templates'))
    for (const [name, text] of Object.entries(files))
      writeFileSync(joinPath(dir, 'templates', name), text)
    return dir
  }

  it('[NE-6] replace a default, values still escaped', async () => {
    const inbox = await startInbox()
    const dataDir = dataDirWith({
      'invite.subject.txt': 'Come {{role}} at {{sessionTitle}}',
      'invite.html': '<p>Hello from {{inviterName}}: <a href="{{link}}">join</a></p>',
    })
    const server = await startPodium({ SMTP_URL: inbox.url }, { dataDir })
    try {
      const session = await createSession(server.url, { title: 'Ops', hostName: '<i>Bo</i>' })
      const email = address('templated')
      await request(`${server.url}/api/sessions/${session.id}/invites`, {
        token: session.hostToken,
        body: { role: 'presenter', email },
      })
      const mail = await inbox.next(email)
      expect(mail.subject).toBe('Come present at Ops')
      expect(mail.html).toContain('<p>Hello from &lt;i&gt;Bo&lt;/i&gt;: <a href="')
      // The parts not replaced are the defaults.
      expect(mail.text).toContain('<i>Bo</i> invites you to present "Ops"')
    } finally {
      await server.close()
      await inbox.close()
    }
  })

  it('[NE-7] a broken or unknown template stops the start, naming it', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { 'reminder.html': '<p>{{sessionTitel}}</p>' },
        /template reminder\.html, line 1: \{\{sessionTitel\}\} is not known here/,
      ],
      [
        { 'summary.txt': 'a\n{{#votes}}b' },
        /template summary\.txt, line 2: \{\{#votes\}\} is never closed/,
      ],
      [{ 'layout.html': '<p>no content</p>' }, /template layout\.html must put in \{\{content\}\}/],
      [{ 'reminders.html': 'x' }, /template reminders\.html replaces nothing/],
      [{ 'answered.txt': 'a }} b' }, /template answered\.txt, line 1: "\}\}" is not part of/],
    ]
    for (const [files, says] of cases) {
      const dataDir = dataDirWith(files)
      await expect(startPodium({}, { dataDir }), JSON.stringify(files)).rejects.toThrow(says)
    }
  })
})
