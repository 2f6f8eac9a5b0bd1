import { readFileSync } from 'node:fs'
import { documentName, PublicDoc } from '@podium/shared'
import { signToken } from '@podium/shared/token'
import { OAuth2Server } from 'oauth2-mock-server'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../test-support/browser.ts'
import { DESKTOP, waitStaffOnline } from '../test-support/host.ts'
import { type Inbox, startInbox } from '../test-support/mail.ts'
import { request, type TestPodium } from '../test-support/podium.ts'
import { waitOnline } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import { newAddress, signInByMail } from './helpers/account.ts'
import { ask, questionItem, screenshot } from './helpers/room.ts'

// Accounts in Chromium, with a real SMTP server for the sign-in mail and a real OpenID
// provider (oauth2-mock-server) for single sign-on: signing in both ways, My sessions,
// the same participant on two devices, renewal, and signing out seen by every tab.

let server: TestPodium
let browser: Browser
let inbox: Inbox
let oidc: OAuth2Server
const contexts: BrowserContext[] = []
let oidcPerson = { email: '', name: '' }

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: server.url, viewport: DESKTOP })
  contexts.push(context)
  return context
}

beforeAll(async () => {
  oidc = new OAuth2Server()
  await oidc.issuer.keys.generate('RS256')
  await oidc.start(0, '127.0.0.1')
  // The provider vouches for an address, as Google or Keycloak do.
  oidc.service.on('beforeTokenSigning', (token) => {
    // Each person is their own subject at the provider (its default is one fixed subject).
    token.payload.sub = `subject-${oidcPerson.email}`
    token.payload.email = oidcPerson.email
    token.payload.email_verified = true
    token.payload.name = oidcPerson.name
  })
  inbox = await startInbox()
  ;[server, browser] = await Promise.all([
    startServer({
      SMTP_URL: inbox.url,
      OIDC_ISSUER: oidc.issuer.url ?? '',
      OIDC_CLIENT_ID: 'podium-e2e',
      OIDC_CLIENT_SECRET: 'podium-e2e-secret',
      OIDC_NAME: 'Acme SSO',
    }),
    launchBrowser(),
  ])
})

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {})
  await browser?.close()
  await server?.close()
  await inbox?.close()
  await oidc?.stop()
})

describe('signing in', () => {
  it('by e-mail: the link from the mail opens My sessions, signed in', async () => {
    const page = await (await newContext()).newPage()
    const email = newAddress('mail')
    await page.goto('/signin')
    await page.getByRole('link', { name: 'Continue with Acme SSO' }).waitFor()
    await page.emulateMedia({ colorScheme: 'light' })
    await screenshot(page, 'account-signin-light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page, 'account-signin-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.getByLabel('E-mail address').fill(email)
    await page.getByRole('button', { name: 'Send me a sign-in link' }).click()
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor()
    await expect(page.getByRole('status').first().textContent()).resolves.toContain(email)
    await screenshot(page, 'account-signin-sent')

    const mail = await inbox.next(email)
    const link = (mail.text ?? '').split('\n').find((line) => line.startsWith('http'))
    expect(link).toMatch(/\/api\/auth\/email\/callback\?token=/)
    await page.goto(link ?? '')
    await page.waitForURL(/\/me$/)
    await page.getByRole('heading', { name: 'My sessions' }).waitFor()
    await page.getByText(`Signed in as ${email}`).waitFor()

    // The same link again: the page says it was used, and what to do.
    await page.goto(link ?? '')
    await page.waitForURL(/\/signin\?error=link-used$/)
    await page.getByText('This sign-in link has been used already.').waitFor()
    await page.getByText('Each link works once.', { exact: false }).waitFor()
  })

  it('with OpenID Connect: the whole redirect flow through the provider and back', async () => {
    oidcPerson = { email: newAddress('sso'), name: 'Olu Okafor' }
    const page = await (await newContext()).newPage()
    await page.goto('/signin?returnTo=/account')
    await page.getByRole('link', { name: 'Continue with Acme SSO' }).click()
    await page.waitForURL(/\/account$/)
    await page.getByRole('heading', { name: 'Your account', exact: true }).waitFor()
    await page.getByText(oidcPerson.email, { exact: true }).waitFor()
    await expect(page.getByLabel('Your name').inputValue()).resolves.toBe('Olu Okafor')
    await page.getByRole('link', { name: 'My sessions' }).click()
    await page.getByText(`Signed in as ${oidcPerson.email}`).waitFor()
  })

  it('with OpenID Connect: lands on My sessions, renews, and one tab signing out is seen in another', async () => {
    oidcPerson = { email: newAddress('sso-flow'), name: 'Ines Duarte' }
    const context = await newContext()
    const page = await context.newPage()
    await page.clock.install()
    await page.goto('/signin')
    await page.getByRole('link', { name: 'Continue with Acme SSO' }).click()
    await page.waitForURL(/\/me$/)
    await page.getByRole('heading', { name: 'My sessions' }).waitFor()
    await page.getByText(`Signed in as ${oidcPerson.email}`).waitFor()

    // Renewal: the page's clock passes the access token's 15 minutes; a refresh renews it.
    const refreshed = page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/auth/refresh' && r.status() === 200,
    )
    await page.clock.fastForward('16:00')
    await refreshed
    await page.getByText(`Signed in as ${oidcPerson.email}`).waitFor()

    // Another tab of the same browser, then signing out in the first.
    const other = await context.newPage()
    await other.goto('/account')
    await other.getByText(oidcPerson.email, { exact: true }).waitFor()
    await page.goto('/account')
    await page.getByRole('button', { name: 'Sign out…' }).click()
    await page.getByRole('button', { name: 'Sign out', exact: true }).click()
    await page.waitForURL(/\/signin\?out=kept$/)
    await other.getByRole('heading', { name: 'You are signed out' }).waitFor()
    await other.getByText('You signed out of this device in another tab.').waitFor()
  })

  it('says what went wrong for each failed sign-in', async () => {
    const page = await (await newContext()).newPage()
    for (const [code, text] of [
      ['link-expired', 'This sign-in link has expired.'],
      ['state-mismatch', 'This sign-in could not be matched to this browser.'],
      ['provider-denied', 'The sign-in was cancelled.'],
      ['no-verified-email', 'Your sign-in provider did not confirm an e-mail address.'],
    ] as const) {
      await page.goto(`/signin?error=${code}`)
      await expect(page.getByRole('alert').textContent(), code).resolves.toContain(text)
    }
    // A callback that did not start here lands on the page with its reason.
    await page.goto('/api/auth/oidc/callback?state=made-up&code=x')
    await page.waitForURL(/\/signin\?error=state-mismatch$/)
  })
})

/** A section of My sessions, by its heading ("Hosting", "Helping run", "Attended"). */
const listOf = (page: Page, heading: string) =>
  page.locator('section', { has: page.getByRole('heading', { name: new RegExp(`^${heading}`) }) })

/** A session made by someone else, to join with its code. */
async function someoneElsesSession(title: string): Promise<{ id: string; code: string }> {
  const created = await request<{ id: string; code: string }>(`${server.url}/api/sessions`, {
    body: { title },
  })
  expect(created.status).toBe(201)
  return created.body
}

/** Waits until the server has published a question with this text. */
async function publishedOnServer(sessionId: string, text: string): Promise<void> {
  await expect
    .poll(
      () =>
        server.podium.services.docs.read(documentName.public(sessionId), (doc) =>
          new PublicDoc(doc).questions().map((q) => q.text),
        ),
      { timeout: 20_000 },
    )
    .toContain(text)
}

/** Joins `code` from its join page while signed in; ends in the room, online. */
async function joinSignedIn(page: Page, code: string): Promise<string> {
  await page.goto(`/j/${code}`)
  await page.getByText(/^You join as /).waitFor()
  await page.getByRole('button', { name: 'Join' }).click()
  await page.waitForURL(/\/s\/[A-Za-z0-9_-]+$/)
  await waitOnline(page)
  return page.url().split('/').at(-1) ?? ''
}

/** The session token this browser holds for a session, and its claims. */
async function storedToken(page: Page, sessionId: string) {
  const raw = await page.evaluate((id) => localStorage.getItem(`podium:identity:${id}`), sessionId)
  const identity = JSON.parse(raw ?? 'null') as { token: string; userId: string; role: string }
  const claims = JSON.parse(Buffer.from(identity.token.split('.')[1] ?? '', 'base64url').toString())
  return { ...identity, claims }
}

describe('My sessions', () => {
  it('creates, opens, duplicates and deletes the sessions I host', async () => {
    const page = await (await newContext()).newPage()
    await signInByMail(page, inbox, newAddress('host'))
    await page.getByLabel('Session title').fill('Monday stand-up')
    await page.getByRole('button', { name: 'Create session' }).click()
    await page.waitForURL(/\/s\/[A-Za-z0-9_-]+\/host$/)
    await waitStaffOnline(page)
    const sessionId = page.url().split('/').at(-2) ?? ''
    expect((await storedToken(page, sessionId)).claims.acc).toBeTruthy()

    // Also attended and staffed sessions, so every list has something in it.
    const attended = await someoneElsesSession('Quarterly all-hands')
    await joinSignedIn(page, attended.code)
    await ask(page, 'Will the all-hands be recorded?')
    await publishedOnServer(attended.id, 'Will the all-hands be recorded?')

    await page.goto('/me')
    const hosting = listOf(page, 'Hosting')
    await hosting.getByRole('heading', { name: 'Monday stand-up' }).waitFor()
    await listOf(page, 'Attended').getByRole('heading', { name: 'Quarterly all-hands' }).waitFor()
    await hosting.getByRole('button', { name: 'Duplicate Monday stand-up' }).click()
    await page.getByText(/was copied into a new draft session with the code/).waitFor()
    await expect.poll(() => hosting.locator('.session-row').count()).toBe(2)
    await page.emulateMedia({ colorScheme: 'light' })
    await screenshot(page, 'account-me-light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page, 'account-me-dark')
    await page.emulateMedia({ colorScheme: 'light' })

    // The copy is the newest, first in the list: delete it, after confirming.
    const copy = hosting.locator('.session-row').first()
    await copy.getByRole('button', { name: 'Delete Monday stand-up' }).click()
    await copy.getByText(/Delete “Monday stand-up” for everyone\?/).waitFor()
    await copy.getByRole('button', { name: 'Delete session' }).click()
    await page.getByText('“Monday stand-up” was deleted.').waitFor()
    await expect.poll(() => hosting.locator('.session-row').count()).toBe(1)

    // What is left is the first one, and it opens in its host console.
    await hosting.getByRole('button', { name: 'Open Monday stand-up' }).click()
    await page.waitForURL(new RegExp(`/s/${sessionId}/host$`))
    await waitStaffOnline(page)

    // My data: the hosted session with its whole export, the attended one with what there is.
    await page.goto('/account')
    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Download my data' }).click()
    const file = await (await download).path()
    const data = JSON.parse(readFileSync(file, 'utf8'))
    expect(data.account.email).toMatch(/^host-/)
    const byTitle = Object.fromEntries(data.sessions.map((s: { title: string }) => [s.title, s]))
    expect(byTitle['Monday stand-up']).toMatchObject({ role: 'host', note: null })
    expect(byTitle['Monday stand-up'].export.public.meta.title).toBe('Monday stand-up')
    expect(byTitle['Quarterly all-hands']).toMatchObject({ role: 'attendee', export: null })
    expect(byTitle['Quarterly all-hands'].note).toMatch(/contributed/)
    expect(byTitle['Quarterly all-hands'].contributions.questions).toEqual([
      expect.objectContaining({ text: 'Will the all-hands be recorded?', state: 'Published' }),
    ])
    await page.getByText(/^Saved your account, 1 device and 2 sessions, 1 of them/).waitFor()
  })

  it('gives one person the same participant on two devices', async () => {
    const email = newAddress('ada')
    const laptop = await (await newContext()).newPage()
    await signInByMail(laptop, inbox, email)
    const session = await someoneElsesSession('Town hall')
    await joinSignedIn(laptop, session.code)
    await ask(laptop, 'Asked on the laptop, seen on the phone?')
    await publishedOnServer(session.id, 'Asked on the laptop, seen on the phone?')

    // The phone signs in and opens the room's link: nothing of it is stored there, and
    // the account's participant opens.
    const phone = await (await newContext()).newPage()
    await signInByMail(phone, inbox, email)
    await listOf(phone, 'Attended').getByRole('heading', { name: 'Town hall' }).waitFor()
    await phone.goto(`/s/${session.id}`)
    await waitOnline(phone)
    // The phone shows what the laptop asked as its own: it is the same participant.
    await questionItem(phone, 'Asked on the laptop, seen on the phone?')
      .getByText('Yours', { exact: true })
      .waitFor()
    const [a, b] = await Promise.all([
      storedToken(laptop, session.id),
      storedToken(phone, session.id),
    ])
    expect(b.userId).toBe(a.userId)
    expect(b.claims.acc).toBe(a.claims.acc)
    expect(b.claims.dev).not.toBe(a.claims.dev)
  })

  it('offers a guest’s sessions to the account after signing in', async () => {
    const context = await newContext()
    const session = await someoneElsesSession('Guest first')
    const room = await context.newPage()
    await room.goto(`/j/${session.code}`)
    await room.getByLabel('Your name (optional)').fill('Gus')
    await room.getByRole('button', { name: 'Join' }).click()
    await waitOnline(room)
    await ask(room, 'Asked as a guest')
    await publishedOnServer(session.id, 'Asked as a guest')
    const guest = await storedToken(room, session.id)
    expect(guest.claims.acc).toBeUndefined()

    const page = await context.newPage()
    await signInByMail(page, inbox, newAddress('gus'))
    await page.getByText('Guest first').waitFor()
    await page.getByRole('button', { name: 'Add them to my account' }).click()
    await page.getByText('One session was added to your account.').waitFor()
    await listOf(page, 'Attended').getByRole('heading', { name: 'Guest first' }).waitFor()
    const claimed = await storedToken(page, session.id)
    expect(claimed.userId).toBe(guest.userId)
    expect(claimed.claims.acc).toBeTruthy()
  })
})

describe('renewal', () => {
  it('renews the account token and the session token before they end, also after time offline', async () => {
    const context = await newContext()
    const page = await context.newPage()
    await page.clock.install()
    await signInByMail(page, inbox, newAddress('renew'))
    const session = await someoneElsesSession('Long session')
    await joinSignedIn(page, session.code)
    const before = await storedToken(page, session.id)
    const renewals: string[] = []
    const renewedTokens: string[] = []
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname
      if (path === '/api/auth/refresh' || path.endsWith('/token'))
        renewals.push(`${response.status()} ${path}`)
      if (path.endsWith('/token') && response.ok())
        void response
          .json()
          .then((body: { token: string }) => renewedTokens.push(body.token))
          // The page may close before a late body is read; what it carried is not needed then.
          .catch(() => {})
    })

    // Offline with a question waiting, while both tokens come to their end (the page's
    // clock is driven past 15 minutes; the server's is not).
    await context.setOffline(true)
    await ask(page, 'Asked in the tunnel')
    await page.locator('.my-question').getByText('Waiting to send').waitFor()
    await page.clock.fastForward('16:00')
    await context.setOffline(false)

    await expect
      .poll(() => renewals, { timeout: 20_000 })
      .toEqual(
        expect.arrayContaining([
          '200 /api/auth/refresh',
          `200 /api/me/sessions/${session.id}/token`,
        ]),
      )
    await publishedOnServer(session.id, 'Asked in the tunnel')
    // This device now holds the token it was last given (issued in the same second as the
    // first, it may even be the same).
    await expect.poll(() => renewedTokens.length).toBeGreaterThan(0)
    const after = await storedToken(page, session.id)
    expect(after.token).toBe(renewedTokens.at(-1))
    expect(after.userId).toBe(before.userId)
    expect(after.claims.acc).toBe(before.claims.acc)
    expect(after.claims.exp).toBeGreaterThanOrEqual(before.claims.exp)
  })

  it('renews a session token the server refused as expired, and the room goes on', async () => {
    const page = await (await newContext()).newPage()
    await signInByMail(page, inbox, newAddress('expired'))
    const session = await someoneElsesSession('Expired token')
    await joinSignedIn(page, session.code)
    const held = await storedToken(page, session.id)
    const { typ, sub, sid, role, name, acc, dev } = held.claims
    const expired = await signToken(
      server.podium.services.config.tokenSecret,
      { typ, sub, sid, role, name, acc, dev },
      -120,
    )
    await page.evaluate(
      ([id, token]) => {
        const key = `podium:identity:${id}`
        const identity = JSON.parse(localStorage.getItem(key) ?? '{}')
        localStorage.setItem(key, JSON.stringify({ ...identity, token }))
      },
      [session.id, expired] as const,
    )
    const renewed = page.waitForResponse(
      (r) => r.url().endsWith(`/api/me/sessions/${session.id}/token`) && r.status() === 200,
    )
    await page.reload()
    await renewed
    await waitOnline(page)
    await ask(page, 'Asked after the renewal')
    await publishedOnServer(session.id, 'Asked after the renewal')
  })
})

describe('signing out', () => {
  it('in one tab: the other tabs say so, and the room stops sending', async () => {
    const context = await newContext()
    const me = await context.newPage()
    const email = newAddress('out')
    await signInByMail(me, inbox, email)
    const session = await someoneElsesSession('Signed out mid-session')
    const room = await context.newPage()
    await joinSignedIn(room, session.code)
    const account = await context.newPage()
    await account.goto('/account')
    await account.getByRole('heading', { name: 'Your account', exact: true }).waitFor()
    await account.getByText('This device', { exact: true }).waitFor()
    await account.emulateMedia({ colorScheme: 'light' })
    await screenshot(account, 'account-page-light')
    await account.emulateMedia({ colorScheme: 'dark' })
    await screenshot(account, 'account-page-dark')
    await account.emulateMedia({ colorScheme: 'light' })

    await account.getByRole('button', { name: 'Sign out…' }).click()
    await expect(account.getByLabel(/^Keep the sessions stored here/).isChecked()).resolves.toBe(
      true,
    )
    await account.getByRole('button', { name: 'Sign out', exact: true }).click()
    await account.waitForURL(/\/signin\?out=kept$/)
    await account.getByText('You signed out of this device.', { exact: false }).waitFor()

    await me.getByRole('heading', { name: 'You are signed out' }).waitFor()
    await me.getByText('You signed out of this device in another tab.').waitFor()
    await room.getByText('You were signed out on this device', { exact: false }).waitFor()
    await room.getByRole('link', { name: 'Sign in again' }).waitFor()
    expect((await request(`${server.url}/api/auth/refresh`, { method: 'POST' })).status).toBe(401)

    // Signed in again, the room opens with a token for this device's new sign-in.
    await signInByMail(room, inbox, email)
    await room.goto(`/s/${session.id}`)
    await waitOnline(room)
    await ask(room, 'Back after signing in again')
    await publishedOnServer(session.id, 'Back after signing in again')
  })

  it('can wipe the sessions this device keeps', async () => {
    const context = await newContext()
    const page = await context.newPage()
    await signInByMail(page, inbox, newAddress('wipe'))
    const session = await someoneElsesSession('Wiped afterwards')
    await joinSignedIn(page, session.code)
    await expect
      .poll(() => page.evaluate(async () => (await indexedDB.databases()).length))
      .toBeGreaterThan(0)
    // Something in Cache Storage too, as the offline assets and responses are kept there.
    await page.evaluate(async () => {
      const cache = await caches.open('podium-probe')
      await cache.put('/probe', new Response('kept offline'))
    })
    await page.goto('/account')
    await page.getByRole('button', { name: 'Sign out…' }).click()
    await page.getByLabel(/^Wipe them from this device/).check()
    await page.getByRole('button', { name: 'Sign out', exact: true }).click()
    await page.waitForURL(/\/signin\?out=wiped$/)
    await page.getByText('the sessions it stored were wiped from it', { exact: false }).waitFor()
    await expect(page.evaluate(async () => (await indexedDB.databases()).length)).resolves.toBe(0)
    await expect(page.evaluate(async () => caches.keys())).resolves.not.toContain('podium-probe')
    await expect(
      page.evaluate((id) => localStorage.getItem(`podium:identity:${id}`), session.id),
    ).resolves.toBeNull()
  })
})
