import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../test-support/browser.ts'
import { createHostSession, DESKTOP, type HostSession } from '../test-support/host.ts'
import { type Inbox, linkIn, startInbox } from '../test-support/mail.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { startServer } from '../test-support/served.ts'
import { newAddress, signInByMail } from './helpers/account.ts'
import { blockingViolations } from './helpers/axe.ts'
import { screenshot } from './helpers/room.ts'

// Notifications in Chromium, against a real server and a real SMTP inbox: choices saved
// on the account page and read back after a reload, a host who schedules a session and
// invites by e-mail, the mail arriving, and the host's log of what was sent.

let server: TestPodium
let browser: Browser
let inbox: Inbox
const contexts: BrowserContext[] = []

beforeAll(async () => {
  inbox = await startInbox()
  ;[server, browser] = await Promise.all([startServer({ SMTP_URL: inbox.url }), launchBrowser()])
})

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {})
  await browser?.close()
  await server?.close()
  await inbox?.close()
})

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: server.url, viewport: DESKTOP })
  contexts.push(context)
  return context
}

/** Screenshots in light and dark, each scanned with axe (serious or critical fail). */
async function lightAndDark(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await screenshot(page, `${name}-${scheme}`)
    const found = await blockingViolations(page)
    expect(found, `${name} ${scheme}:\n${found.join('\n')}`).toEqual([])
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

describe('notification choices', () => {
  it('a change is saved and is still there after a reload', async () => {
    const page = await (await newContext()).newPage()
    await signInByMail(page, inbox, newAddress('prefs'))
    await page.goto('/account')
    const answered = page.getByRole('checkbox', { name: 'Your question was answered by E-mail' })
    const reminders = page.getByRole('checkbox', {
      name: 'Reminders before sessions you follow start by Browser',
    })
    await answered.waitFor()
    expect(await answered.isChecked()).toBe(false)
    expect(await reminders.isChecked()).toBe(true)
    const signIn = page.getByRole('checkbox', { name: 'Sign-in links by E-mail' })
    expect(await signIn.isDisabled()).toBe(true)
    await lightAndDark(page, 'notifications-account')

    await answered.check()
    await reminders.uncheck()
    await page.getByRole('button', { name: 'Save notification choices' }).click()
    await page.getByText('Your notification choices are saved.').waitFor()

    await page.reload()
    await answered.waitFor()
    expect(await answered.isChecked()).toBe(true)
    expect(await reminders.isChecked()).toBe(false)
  })
})

describe('web push in headless Chromium', () => {
  // Headless Chromium has no push service: with the permission granted, subscribe()
  // fails ("Registration failed"). What can be shown here is everything up to it (the
  // permission asked on the click, the service worker with the push handlers running, the
  // server's key taken) and that the page says why it failed. The subscription itself is
  // covered by the component test with a PushManager played by the test.
  it('asks on the click, reaches the service worker, and explains the failure', async () => {
    const context = await newContext()
    await context.grantPermissions(['notifications'], { origin: server.url })
    const page = await context.newPage()
    await signInByMail(page, inbox, newAddress('push'))
    await page.goto('/account')
    await page.getByRole('button', { name: 'Turn on notifications in this browser' }).click()
    const panel = page.locator('section', {
      has: page.getByRole('heading', { name: 'Notifications in the browser' }),
    })
    await expect(panel.getByRole('alert').textContent()).resolves.toMatch(
      /^This browser could not reach its push service/,
    )
    // The generated worker imports the push handlers, and they are served.
    const worker = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready
      return registration.active?.scriptURL ?? ''
    })
    expect(worker).toMatch(/\/sw\.js$/)
    const sw = await page.request.get('/sw.js')
    expect(await sw.text()).toContain('push-sw.js')
    const handlers = await page.request.get('/push-sw.js')
    expect(handlers.status()).toBe(200)
    expect(await handlers.text()).toContain("addEventListener('notificationclick'")
  })
})

describe('a host schedules and invites by e-mail', () => {
  let session: HostSession

  it('sets the start, mails an invite that arrives, and the log shows it sent', async () => {
    session = await createHostSession(browser, server.url, 'Notified town hall')
    contexts.push(session.context)
    const { host } = session
    const panel = host.locator('section', {
      has: host.getByRole('heading', { name: 'Start time' }),
    })
    await panel.getByText(/No start time yet/).waitFor()
    await panel.getByLabel('Time zone').selectOption('Europe/Berlin')
    // A time the clocks skip in Berlin: the server says so, and nothing is set.
    await panel.getByLabel('Date and time').fill('2030-03-31T02:30')
    await panel.getByRole('button', { name: 'Set start time' }).click()
    await expect(panel.getByRole('alert').textContent()).resolves.toMatch(
      /does not happen in Europe\/Berlin: the clocks skip it/,
    )
    await panel.getByLabel('Date and time').fill('2030-03-29T10:00')
    await panel.getByRole('button', { name: 'Set start time' }).click()
    await panel
      .getByRole('status')
      .getByText(/^The session starts .*\(Europe\/Berlin\)\.$/)
      .waitFor()

    const email = newAddress('invitee')
    await host.getByLabel('Role').selectOption('presenter')
    await host.getByLabel('E-mail it to (optional)').fill(email)
    await host.getByRole('button', { name: 'Create and send invite' }).click()
    await host.getByText(`The link is on its way to ${email}.`).waitFor()
    const mail = await inbox.next(email, 30_000)
    expect(mail.subject).toMatch(/Notified town hall/)
    const link = linkIn(mail)
    expect(link).toMatch(/\/i\/[^/]+$/)

    const log = host.locator('section', {
      has: host.getByRole('heading', { name: 'Notifications sent' }),
    })
    const masked = `${email.slice(0, 1)}…@example.org`
    // Live: the row turns Sent with nobody pressing Refresh.
    await log.getByText('Updates as messages go out.').waitFor()
    await expect
      .poll(() => log.locator('.log-list li').first().textContent(), {
        timeout: 30_000,
        interval: 250,
      })
      .toMatch(new RegExp(`^Invitation · E-mail to ${masked}\\s*Sent`))

    // The schedule is the server's: a reload shows it again.
    await host.reload()
    await panel.getByText(/^Starts .*\(Europe\/Berlin\)\.$/).waitFor()
    await lightAndDark(host, 'notifications-host')
  })

  it('a signed-in attendee asks to be reminded, and sees it on the account page', async () => {
    const page = await (await newContext()).newPage()
    await signInByMail(page, inbox, newAddress('follower'))
    await page.goto(`/j/${session.code}`)
    await page.getByRole('button', { name: 'Join' }).click()
    await page.waitForURL(/\/s\/[A-Za-z0-9_-]+$/)
    await page.getByRole('heading', { name: /^Starts .*\(Europe\/Berlin\)$/ }).waitFor()
    await page.getByRole('button', { name: 'Remind me' }).click()
    await page.getByText('You get a reminder 24 hours and 15 minutes before it starts.').waitFor()
    await lightAndDark(page, 'notifications-room')
    await page.goto('/account')
    const follows = page.locator('section', {
      has: page.getByRole('heading', { name: 'Sessions you follow' }),
    })
    await follows.getByRole('heading', { name: 'Notified town hall' }).waitFor()
    await follows.getByRole('button', { name: 'Stop following Notified town hall' }).click()
    await follows.getByText('You no longer follow “Notified town hall”.').waitFor()
  })
})
