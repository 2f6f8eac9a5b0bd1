import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHostSession, type HostSession, WIDE, waitStaffOnline } from '../test-support/host.ts'
import { type Inbox, startInbox } from '../test-support/mail.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { joinRoom } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import { newAddress, signInByMail } from './helpers/account.ts'
import { blockingViolations } from './helpers/axe.ts'
import { ask, newPhone, screenshot } from './helpers/room.ts'
import { launchStaffBrowser, pendingCard, questionCard } from './helpers/staff.ts'

// Every screen, scanned with axe-core against WCAG 2 A and AA, with real content in it:
// a live agenda item and timer, published, pinned, answered and pending questions, a
// question on screen. A serious or critical violation fails the screen.

let server: TestPodium
let browser: Browser
let inbox: Inbox
let session: HostSession
let attendee: Page

const PUBLISHED = ['How will the new office be heated?', 'Can we get the slides afterwards?']
const PENDING = 'Will there be a second round of hiring?'

/** Scans the page, saves a screenshot as `a11y-<name>`, and fails on blocking violations. */
async function expectAccessible(page: Page, name: string): Promise<void> {
  await screenshot(page, `a11y-${name}`)
  const found = await blockingViolations(page)
  expect(found, `${name}:\n${found.join('\n')}`).toEqual([])
}

beforeAll(async () => {
  inbox = await startInbox()
  ;[server, browser] = await Promise.all([
    startServer({ SMTP_URL: inbox.url }, { signaling: true }),
    launchStaffBrowser(),
  ])
  session = await createHostSession(browser, server.url, 'Quarterly all-hands')
  const { host } = session
  await host.getByLabel('New item').fill('Opening remarks')
  await host.getByRole('button', { name: 'Add item' }).click()
  await host.getByRole('button', { name: 'Start with the first item: Opening remarks' }).click()
  await host.getByRole('button', { name: 'Start', exact: true }).click()
  await host.getByLabel('Role').selectOption('moderator')
  await host.getByRole('button', { name: 'Create invite link' }).click()
  await host.locator('.invite-list input').first().waitFor()

  attendee = await joinRoom(await newPhone(browser, server.url), session.code, 'Ada')
  for (const text of PUBLISHED) await ask(attendee, text)
  await host.getByLabel('Review questions before they are published').check()
  await ask(attendee, PENDING)

  const mod = await session.context.newPage()
  await mod.goto(`/s/${session.sessionId}/moderate`)
  await waitStaffOnline(mod)
  await mod.getByRole('button', { name: /^All/ }).click()
  await pendingCard(mod, PENDING).waitFor()
  const [first, second] = PUBLISHED.map((text) => questionCard(mod, text))
  await first!.getByRole('button', { name: 'Pin' }).click()
  await first!.getByRole('button', { name: 'On screen' }).click()
  await second!.getByRole('button', { name: 'Answered' }).click()
  await mod.close()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await inbox?.close()
})

describe('accessibility of every screen (axe-core, WCAG 2 A and AA)', () => {
  it('the scan finds what it is for (a faint text and an unlabelled field)', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.setContent(
      '<!doctype html><html lang="en"><title>Bad</title><main>' +
        '<p style="color:#bbb;background:#fff">Faint</p><input type="text"></main></html>',
    )
    expect(await blockingViolations(page)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^color-contrast \(serious\): .* <https:\/\/dequeuniversity\.com\/.*> at p$/,
        ),
        expect.stringMatching(/^label \(critical\): .* at input$/),
      ]),
    )
    await context.close()
  })

  it('landing page', async () => {
    const context = await newPhone(browser, server.url)
    const page = await context.newPage()
    await page.goto('/')
    await page.getByRole('heading', { level: 1 }).waitFor()
    await expectAccessible(page, 'landing')
    await context.close()
  })

  it('join page', async () => {
    const context = await newPhone(browser, server.url)
    const page = await context.newPage()
    await page.goto(`/j/${session.code}`)
    await page.getByRole('heading', { name: `Join session ${session.code}` }).waitFor()
    await expectAccessible(page, 'join')
    await context.close()
  })

  it('attendee room on a phone, light and dark', async () => {
    await attendee.getByText('Now: Opening remarks').waitFor()
    await attendee.getByText('In the spotlight', { exact: true }).first().waitFor()
    await attendee.emulateMedia({ colorScheme: 'light' })
    await expectAccessible(attendee, 'room-light')
    await attendee.emulateMedia({ colorScheme: 'dark' })
    await expectAccessible(attendee, 'room-dark')
  })

  it('moderator console, light and dark', async () => {
    const page = await session.context.newPage()
    await page.goto(`/s/${session.sessionId}/moderate`)
    await waitStaffOnline(page)
    await pendingCard(page, PENDING).waitFor()
    await page.getByRole('button', { name: /^All/ }).click()
    for (const text of PUBLISHED) await questionCard(page, text).waitFor()
    await expectAccessible(page, 'moderator')
    await page.emulateMedia({ colorScheme: 'dark' })
    await expectAccessible(page, 'moderator-dark')
    await page.close()
  })

  it('host console, light and dark', async () => {
    const { host } = session
    await host.bringToFront()
    await host.locator('.agenda-list li.current').waitFor()
    await expectAccessible(host, 'host')
    await host.emulateMedia({ colorScheme: 'dark' })
    await expectAccessible(host, 'host-dark')
  })

  it('projector view, light and dark', async () => {
    const page = await session.context.newPage()
    await page.setViewportSize(WIDE)
    await page.goto(`/s/${session.sessionId}/present`)
    await page.getByText('Now: Opening remarks').waitFor()
    await page.getByText(PUBLISHED[0]!).first().waitFor()
    await expectAccessible(page, 'projector')
    await page.emulateMedia({ colorScheme: 'dark' })
    await expectAccessible(page, 'projector-dark')
    await page.close()
  })

  it('page not found', async () => {
    const context = await newPhone(browser, server.url)
    const page = await context.newPage()
    await page.goto('/no/such/page')
    await page.getByRole('heading', { name: 'This page does not exist' }).waitFor()
    await expectAccessible(page, 'not-found')
    await context.close()
  })

  it('sign-in page, light and dark, with a failure explained', async () => {
    const context = await newPhone(browser, server.url)
    const page = await context.newPage()
    await page.goto('/signin?error=link-expired')
    await page.getByRole('heading', { name: 'Sign in to Podium' }).waitFor()
    await expectAccessible(page, 'signin')
    await page.emulateMedia({ colorScheme: 'dark' })
    await expectAccessible(page, 'signin-dark')
    await context.close()
  })

  it('My sessions and the account page, light and dark', async () => {
    const context = await browser.newContext({ baseURL: server.url })
    const page = await context.newPage()
    await signInByMail(page, inbox, newAddress('a11y'))
    await page.getByLabel('Session title').fill('Accessible session')
    await page.getByRole('button', { name: 'Create session' }).click()
    await page.waitForURL(/\/host$/)
    await page.goto('/me')
    await page.getByRole('heading', { name: 'Accessible session' }).waitFor()
    await page.getByRole('button', { name: 'Delete Accessible session' }).click()
    await expectAccessible(page, 'my-sessions')
    await page.emulateMedia({ colorScheme: 'dark' })
    await expectAccessible(page, 'my-sessions-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto('/account')
    await page.getByText('This device', { exact: true }).waitFor()
    await page.getByRole('button', { name: 'Sign out…' }).click()
    await expectAccessible(page, 'account')
    await page.emulateMedia({ colorScheme: 'dark' })
    await expectAccessible(page, 'account-dark')
    await context.close()
  })
})
