import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../test-support/browser.ts'
import { createHostSession } from '../test-support/host.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { joinRoom } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import { newPhone, screenshot } from './helpers/room.ts'

// Reactions and raised hands in Chromium: attendees react and the projector and the other
// phones count them and float them up; attendees raise hands, the moderators' queue shows
// them in order, a call-on reaches the person and the projector, and lowering takes a hand
// down on both sides.

let server: TestPodium
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** The session's count of one reaction as a screen shows it (the bold total). */
const total = (page: Page, reaction: string, scope = '') =>
  page.locator(`${scope} strong[data-reaction="${reaction}"]`).first()

const handRow = (page: Page, name: string) => page.locator('.hand-row', { hasText: name })

describe('reactions and raised hands', () => {
  it('an attendee reacts: the projector and another phone count it and float it up', async () => {
    const { context, sessionId, code } = await createHostSession(browser, server.url, 'Reactions')
    const projector = await context.newPage()
    await projector.goto(`/s/${sessionId}/present`)
    await projector.locator('.projector-reactions').waitFor()
    const [ada, bob] = await Promise.all([
      newPhone(browser, server.url).then((c) => joinRoom(c, code, 'Ada')),
      newPhone(browser, server.url).then((c) => joinRoom(c, code, 'Bob')),
    ])

    await ada.getByRole('button', { name: 'Applause' }).click()
    await bob.getByRole('button', { name: 'Celebrate' }).click()
    for (const page of [projector, ada, bob]) {
      await expect.poll(() => total(page, 'clap').textContent(), { timeout: 10_000 }).toBe('1')
      await expect.poll(() => total(page, 'party').textContent(), { timeout: 10_000 }).toBe('1')
    }
    // The window's burst floats up on the projector and says "+1" beside the totals.
    await projector.locator('.reaction-bubble').first().waitFor({ timeout: 5_000 })
    await screenshot(projector, 'reactions-projector')
    await screenshot(bob, 'reactions-room')

    // A second press within the second is held back on the phone; after it, it counts.
    await ada.getByRole('button', { name: 'Applause' }).click()
    await expect.poll(() => total(projector, 'clap').textContent(), { timeout: 10_000 }).toBe('2')
    await expect(total(projector, 'love').textContent()).resolves.toBe('0')
    await context.close()
  })

  it('attendees raise hands: the queue shows them in order; call on one, lower the other', async () => {
    const { context, sessionId, code } = await createHostSession(browser, server.url, 'Hands')
    const moderate = await context.newPage()
    await moderate.goto(`/s/${sessionId}/moderate`)
    await moderate.getByRole('heading', { name: /Raised hands/ }).waitFor()
    const projector = await context.newPage()
    await projector.goto(`/s/${sessionId}/present`)
    await projector.locator('.projector-reactions').waitFor()
    const [ada, bob] = await Promise.all([
      newPhone(browser, server.url).then((c) => joinRoom(c, code, 'Ada')),
      newPhone(browser, server.url).then((c) => joinRoom(c, code, 'Bob')),
    ])

    await ada.getByRole('button', { name: 'Raise my hand' }).click()
    await ada.getByText('Your hand is up; the staff see it in their queue.').waitFor()
    await handRow(moderate, 'Ada').waitFor()
    await bob.getByRole('button', { name: 'Raise my hand' }).click()
    await handRow(moderate, 'Bob').waitFor()
    await bob.getByText('Your hand is up; the staff see it in their queue.').waitFor()
    await expect(moderate.locator('.hand-row .hand-name').allTextContents()).resolves.toEqual([
      'Ada',
      'Bob',
    ])
    await expect(handRow(moderate, 'Ada').locator('.hand-wait').textContent()).resolves.toMatch(
      /^waiting /,
    )
    await expect(moderate.locator('#hands-heading .count').textContent()).resolves.toBe('2')
    await screenshot(moderate, 'hands-queue')

    // Call on Ada: her phone says so, the projector names her, the queue marks her called.
    await handRow(moderate, 'Ada').getByRole('button', { name: 'Call on Ada' }).click()
    await ada.getByRole('alert').filter({ hasText: 'You have been called on.' }).waitFor()
    await projector.getByText('Ada has the floor').waitFor()
    await handRow(moderate, 'Ada')
      .locator('.hand-wait', { hasText: /^called on / })
      .waitFor()
    await expect(moderate.locator('#hands-heading .count').textContent()).resolves.toBe('1')
    await screenshot(ada, 'hands-called-on')
    await screenshot(projector, 'hands-projector-floor')

    // Staff lower Bob's hand: it leaves the queue. Ada lowers her own: the queue is empty.
    await handRow(moderate, 'Bob').getByRole('button', { name: 'Lower the hand of Bob' }).click()
    await expect.poll(() => handRow(moderate, 'Bob').count(), { timeout: 10_000 }).toBe(0)
    await ada.getByRole('button', { name: 'Lower my hand' }).click()
    await moderate.getByText('No hands raised.').waitFor({ timeout: 10_000 })
    await ada.getByRole('button', { name: 'Raise my hand' }).waitFor()
    await context.close()
  })
})
