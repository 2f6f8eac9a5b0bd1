import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHostSession, DESKTOP, WIDE } from '../test-support/host.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { joinRoom } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import { axeViolations } from './helpers/axe.ts'
import { ask, newPhone, screenshot } from './helpers/room.ts'
import { launchStaffBrowser, questionCard, seconds } from './helpers/staff.ts'

let server: TestPodium
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([
    startServer({}, { signaling: true }),
    launchStaffBrowser(),
  ])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('host console and projector in the browser', () => {
  it('runs the agenda and timer; the projector shows the spotlight and the same time as a phone', async () => {
    const { context, host, sessionId, code } = await createHostSession(
      browser,
      server.url,
      'Quarterly review',
    )
    await host.getByRole('button', { name: 'Go live' }).click()
    await host.locator('.session-status[data-status="live"]').waitFor()

    await host.getByLabel('New item').fill('Opening remarks')
    await host.locator('.agenda-add').getByLabel('Minutes').fill('3')
    await host.getByRole('button', { name: 'Add item' }).click()
    await host.getByLabel('New item').fill('Results')
    await host.locator('.agenda-add').getByLabel('Minutes').fill('10')
    await host.getByRole('button', { name: 'Add item' }).click()
    await host.getByRole('button', { name: /Start with the first item: Opening remarks/ }).click()
    // The server stamps the reset with its clock and loads the item's duration.
    await host
      .locator('.timer-panel [role="timer"]')
      .filter({ hasText: /^3:00$/ })
      .waitFor()
    await host.getByRole('button', { name: 'Start', exact: true }).click()
    await host.locator('.timer-panel .st-timer[data-state="running"]').waitFor()

    const ada = await newPhone(browser, server.url).then((c) => joinRoom(c, code, 'Ada'))
    await ask(ada, 'How did we do this quarter?')
    await ask(ada, 'When is the next review?')

    const moderate = await context.newPage()
    await moderate.goto(`/s/${sessionId}/moderate`)
    await questionCard(moderate, 'How did we do this quarter?')
      .getByRole('button', { name: 'On screen' })
      .click()

    const projector = await context.newPage()
    await projector.goto(`/s/${sessionId}/present`)
    await projector
      .locator('.projector-spotlight')
      .filter({ hasText: 'How did we do this quarter?' })
      .waitFor()
    await projector
      .locator('.projector-top')
      .filter({ hasText: 'When is the next review?' })
      .waitFor()
    await projector.getByText('Now: Opening remarks').waitFor()
    await expect(projector.locator('.projector-code').textContent()).resolves.toBe(code)
    const qr = projector.getByAltText(/^QR code for http/)
    await qr.waitFor()
    await expect(qr.getAttribute('src')).resolves.toMatch(/^data:image\/svg\+xml/)

    // Two devices show the same time left: the projector and Ada's phone.
    for (let i = 0; i < 3; i++) {
      const [onScreen, onPhone] = await Promise.all([
        projector.locator('[role="timer"]').textContent(),
        ada.locator('.timer time').textContent(),
      ])
      const difference = Math.abs(seconds(onScreen ?? '') - seconds(onPhone ?? ''))
      expect(difference, `projector ${onScreen} vs phone ${onPhone}`).toBeLessThanOrEqual(1)
      expect(seconds(onScreen ?? '')).toBeGreaterThan(150)
      await projector.waitForTimeout(700)
    }

    // Pausing holds the same time everywhere.
    await host.getByRole('button', { name: 'Pause' }).click()
    await projector.locator('.st-timer[data-state="paused"]').waitFor()
    const paused = await projector.locator('[role="timer"]').textContent()
    await projector.waitForTimeout(1_200)
    await expect(projector.locator('[role="timer"]').textContent()).resolves.toBe(paused)

    await projector.setViewportSize(DESKTOP)
    await screenshot(projector, 'projector-1280x800')
    await expect(axeViolations(projector)).resolves.toEqual([])
    await projector.setViewportSize(WIDE)
    await screenshot(projector, 'projector-1920x1080')
    await projector.emulateMedia({ colorScheme: 'dark' })
    await screenshot(projector, 'projector-1920x1080-dark')

    await host.bringToFront()
    await screenshot(host, 'host-1280x800')
    await expect(axeViolations(host)).resolves.toEqual([])
    await host.setViewportSize(WIDE)
    await screenshot(host, 'host-1920x1080')
    await host.emulateMedia({ colorScheme: 'dark' })
    await screenshot(host, 'host-1920x1080-dark')
    await host.setViewportSize({ width: 360, height: 740 })
    await screenshot(host, 'host-360')
    await moderate.setViewportSize({ width: 360, height: 740 })
    await screenshot(moderate, 'moderator-360')

    await Promise.all([context.close(), ada.context().close()])
  })
})
