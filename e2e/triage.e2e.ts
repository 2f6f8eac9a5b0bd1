import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHostSession, waitStaffOnline } from '../test-support/host.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { joinRoom } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import { ask, newPhone, screenshot } from './helpers/room.ts'
import { launchStaffBrowser, pendingCard, questionCard } from './helpers/staff.ts'

// Triage at speed: a moderator works the queue from the keyboard and never loses their
// place; attendees know their questions are reviewed, and can put a rejection away.

let server: TestPodium
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startServer(), launchStaffBrowser()])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** The text of the focused moderation row, or what has focus instead. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement
    const row = active?.closest('[data-key]')
    if (row) return row.querySelector('.item-text')?.textContent ?? ''
    return `<${active?.tagName.toLowerCase()}${active?.className ? `.${active.className}` : ''}>`
  })

describe('triage at speed', () => {
  it('moves on after each decision, says what s does to queued items, and names every target', async () => {
    const { context, host, sessionId, code } = await createHostSession(
      browser,
      server.url,
      'Town hall',
    )
    await host.getByLabel('Review questions before they are published').check()

    const ada = await joinRoom(await newPhone(browser, server.url), code, 'Ada')
    // Ada is told, before she asks, that a moderator reads questions first.
    await ada.getByText(/A moderator reviews each question before it appears/).waitFor()
    await screenshot(ada, 'room-pre-moderation-360')
    const anonymous = ada.getByLabel('Ask anonymously')
    await anonymous.check()
    await ask(ada, 'First: when do we move?')
    await expect(anonymous.isChecked()).resolves.toBe(false)
    await ask(ada, 'Second: is parking free?')
    await ask(ada, 'Third: can we bring dogs?')

    const mod = await context.newPage()
    await mod.goto(`/s/${sessionId}/moderate`)
    await waitStaffOnline(mod)
    await pendingCard(mod, 'Third: can we bring dogs?').waitFor()
    await mod.locator('body').press('j')
    await expect(focused(mod)).resolves.toBe('First: when do we move?')

    // s on a queued question says what to do, and does nothing.
    await mod.keyboard.press('s')
    await expect(mod.locator('.st-notice').textContent()).resolves.toMatch(
      /goes on screen only once approved: press a to approve it/,
    )

    // a approves and moves on; focus follows the selection, not the page body.
    await mod.keyboard.press('a')
    await expect(focused(mod)).resolves.toBe('Second: is parking free?')
    // r asks for a reason; Enter rejects and moves on again.
    await mod.keyboard.press('r')
    await mod.getByLabel(/Reason for the author/).fill('Please ask at the front desk.')
    await mod.keyboard.press('Enter')
    await expect.poll(() => focused(mod)).toBe('Third: can we bring dogs?')
    // The server carries both decisions out; focus stays on the row being read.
    await expect.poll(() => mod.locator('.item-pending').count(), { timeout: 10_000 }).toBe(1)
    await expect(focused(mod)).resolves.toBe('Third: can we bring dogs?')
    await screenshot(mod, 'moderator-after-triage')
    await mod.keyboard.press('a')
    await expect.poll(() => mod.locator('.item-pending').count(), { timeout: 10_000 }).toBe(0)
    await expect
      .poll(() => mod.evaluate(() => document.activeElement?.tagName ?? ''))
      .not.toBe('BODY')

    // A reply is named by its question in the history.
    const first = questionCard(mod, 'First: when do we move?')
    await first.getByRole('button', { name: 'Reply' }).click()
    await mod.getByLabel(/Reply as/).fill('In March.')
    await mod.getByRole('button', { name: 'Post reply' }).click()
    const history = mod.locator('.audit-list')
    await history
      .getByText(/You replied to “First: when do we move\?”$/)
      .waitFor({ timeout: 10_000 })
    await history.getByText(/You approved “First: when do we move\?”/).waitFor()
    await history
      .getByText(/You rejected “Second: is parking free\?” \(Please ask at the front desk\.\)/)
      .waitFor()
    const entries = await history.locator('li').allTextContents()
    for (const entry of entries) expect(entry).not.toMatch(/(to|of|on screen|replied to)\s*$/)

    // Ada reads the rejection and puts it away; it stays away after a reload.
    const mine = ada.locator('.mine')
    await mine.getByText('Second: is parking free?').waitFor()
    await mine.getByText(/Please ask at the front desk\./).waitFor()
    await screenshot(ada, 'room-rejected-360')
    await mine.getByRole('button', { name: 'Dismiss' }).click()
    await expect(ada.getByText('Second: is parking free?').count()).resolves.toBe(0)
    await ada.reload()
    await ada.locator('.question').first().waitFor()
    await expect(ada.getByText('Second: is parking free?').count()).resolves.toBe(0)

    await Promise.all([context.close(), ada.context().close()])
  })
})
