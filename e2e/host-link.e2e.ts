import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession } from '../test-support/api.ts'
import { DESKTOP, waitStaffOnline } from '../test-support/host.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { joinRoom } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import { blockingViolations } from './helpers/axe.ts'
import { screenshot } from './helpers/room.ts'
import { launchStaffBrowser } from './helpers/staff.ts'

// Getting back in: a host without an account gets a private host link at creation, which
// opens the host console in another browser; a new link revokes the old one; the start
// page lists the sessions this browser holds.

let server: TestPodium
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startServer(), launchStaffBrowser()])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const HOST_CONSOLE = /\/s\/([A-Za-z0-9_-]+)\/host$/

describe('the private host link', () => {
  it('opens the console in a fresh browser, is revoked by a new one, and the start page lists the session', async () => {
    // First browser: create, and see the link once.
    const first = await browser.newContext({ baseURL: server.url, viewport: DESKTOP })
    const page = await first.newPage()
    await page.goto('/')
    await page.getByLabel('Session title').fill('Town hall')
    await page.getByRole('button', { name: 'Create session' }).click()
    await page.getByRole('heading', { name: '“Town hall” is ready' }).waitFor()
    await page.getByText('Anyone with this link can run the session; keep it private.').waitFor()
    const hostLink = await page.getByLabel('Private host link').inputValue()
    expect(hostLink).toMatch(new RegExp(`^${server.url}/h/[A-Za-z0-9_-]{43}$`))
    await first.grantPermissions(['clipboard-read', 'clipboard-write'])
    await page.getByRole('button', { name: 'Copy' }).click()
    await page.getByText('Copied').waitFor()
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(hostLink)
    await screenshot(page, 'host-link-created')
    expect(await blockingViolations(page)).toEqual([])
    await page.getByRole('link', { name: 'Open the host console' }).click()
    await page.waitForURL(HOST_CONSOLE)
    const sessionId = HOST_CONSOLE.exec(page.url())?.[1] ?? ''
    await waitStaffOnline(page)
    const code = (await page.locator('.join-code').textContent())?.trim()

    // A fresh browser has no access; the page says how to get it.
    const second = await browser.newContext({ baseURL: server.url, viewport: DESKTOP })
    const other = await second.newPage()
    await other.goto(`/s/${sessionId}/host`)
    await other
      .getByRole('heading', { name: 'This device has no access to this session' })
      .waitFor()
    await other.getByText(/open your private host link/).waitFor()

    // The host link opens the console there, and leaves the history.
    await other.goto(hostLink)
    await other.waitForURL(HOST_CONSOLE)
    expect(other.url()).toBe(`${server.url}/s/${sessionId}/host`)
    await waitStaffOnline(other)
    await expect(other.locator('.join-code').textContent()).resolves.toBe(code)
    await other.getByRole('heading', { name: 'Host link' }).waitFor()

    // A new link from the second browser's console; the first link stops working.
    await other.getByRole('button', { name: 'Make a new host link' }).click()
    await other.getByRole('button', { name: 'Make a new link' }).click()
    const newLink = await other.getByLabel('New host link (shown only now)').inputValue()
    expect(newLink).toMatch(/\/h\/[A-Za-z0-9_-]{43}$/)
    expect(newLink).not.toBe(hostLink)

    const third = await browser.newContext({ baseURL: server.url, viewport: DESKTOP })
    const late = await third.newPage()
    await late.goto(hostLink)
    await late.getByRole('heading', { name: 'This host link was replaced' }).waitFor()
    await screenshot(late, 'host-link-replaced')
    expect(await blockingViolations(late)).toEqual([])
    expect(late.url()).toBe(hostLink)
    await late.goto('/h/not-a-whole-link')
    await late.getByRole('heading', { name: 'This host link is incomplete' }).waitFor()
    await screenshot(late, 'host-link-incomplete')
    await late.goto(`/h/${'A'.repeat(43)}`)
    await late.getByRole('heading', { name: 'This host link does not work' }).waitFor()
    await late.goto(newLink)
    await late.waitForURL(HOST_CONSOLE)
    await waitStaffOnline(late)

    // The first browser also joined someone else's session: its start page lists both.
    const elsewhere = await createSession(server.url, { title: 'Quarterly all-hands' })
    await joinRoom(first, elsewhere.code, 'Ada')
    await page.goto('/')
    const list = page.locator('section', {
      has: page.getByRole('heading', { name: /^On this device/ }),
    })
    const hosted = list.locator(`[data-session="${sessionId}"]`)
    await hosted.getByRole('heading', { name: 'Town hall' }).waitFor()
    await hosted.getByText('Host', { exact: true }).waitFor()
    await hosted.getByText('Draft', { exact: true }).waitFor()
    const attended = list.locator(`[data-session="${elsewhere.id}"]`)
    await attended.getByRole('heading', { name: 'Quarterly all-hands' }).waitFor()
    await attended.getByText('Attendee', { exact: true }).waitFor()
    await screenshot(page, 'landing-sessions')
    expect(await blockingViolations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page, 'landing-sessions-dark')
    expect(await blockingViolations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'light' })

    // Offline, the list still says the last state it saw.
    await first.setOffline(true)
    await page.reload().catch(() => {})
    await hosted.getByText(/Could not reach the server: draft when last checked/).waitFor({
      timeout: 30_000,
    })
    await first.setOffline(false)

    // Open leads to the console; Forget takes the session off this device.
    await page.reload()
    await hosted.getByText('Draft', { exact: true }).waitFor()
    await hosted.getByRole('link', { name: 'Open Town hall' }).click()
    await page.waitForURL(HOST_CONSOLE)
    await page.goto('/')
    await attended.getByRole('button', { name: 'Forget Quarterly all-hands' }).click()
    await page.getByRole('button', { name: 'Forget it here' }).click()
    await page.getByText('This device forgot “Quarterly all-hands”.').waitFor()
    await expect(attended.count()).resolves.toBe(0)

    await Promise.all([first.close(), second.close(), third.close()])
  })
})
