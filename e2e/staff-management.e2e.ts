import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHostSession, DESKTOP, waitStaffOnline } from '../test-support/host.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { startServer } from '../test-support/served.ts'
import { blockingViolations } from './helpers/axe.ts'
import { screenshot } from './helpers/room.ts'
import { launchStaffBrowser } from './helpers/staff.ts'

// Managing staff from the server's records: the host names themselves once, every invite
// and staff member survives a reload, the invite page says what it is for, and a role is
// withdrawn from someone who already joined.

let server: TestPodium
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startServer(), launchStaffBrowser()])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('managing staff', () => {
  it('names the host, keeps every invite and staff member, and withdraws a role', async () => {
    const { context, host, sessionId } = await createHostSession(browser, server.url, 'Town hall')

    // Asked once for a name, which then names the host everywhere.
    await host.getByRole('heading', { name: 'What should people call you?' }).waitFor()
    await expect(host.getByText(/you appear as “The host”/).count()).resolves.toBe(1)
    await host.getByLabel('Your name', { exact: true }).fill('Hana')
    await host.getByRole('button', { name: 'Save name' }).click()
    await host.getByRole('button', { name: /^You: Hana/ }).waitFor()
    await waitStaffOnline(host)
    await expect(host.getByText('What should people call you?').count()).resolves.toBe(0)
    await host.reload()
    await waitStaffOnline(host)
    await host.getByRole('button', { name: /^You: Hana/ }).waitFor()
    await expect(host.getByText('What should people call you?').count()).resolves.toBe(0)

    // An invite outlives a reload and a visit to Moderate, link and Revoke button included.
    await host.getByLabel('Role').selectOption('moderator')
    await host.getByRole('button', { name: 'Create invite link' }).click()
    const link = host.locator('.invite-list input').first()
    const url = await link.inputValue()
    await host.reload()
    await waitStaffOnline(host)
    await expect(host.locator('.invite-list input').first().inputValue()).resolves.toMatch(
      /\/i\/.+/,
    )
    await host.getByRole('link', { name: 'Moderate' }).click()
    await host.waitForURL(/\/moderate$/)
    await host.getByRole('link', { name: 'Host', exact: true }).click()
    await host.waitForURL(/\/host$/)
    await host.locator('.invite-list li[data-status="pending"]').waitFor()
    await host.locator('.invite-list').getByRole('button', { name: 'Revoke' }).waitFor()

    // The invite page names the session and the role, and says who sees the name.
    const modContext = await browser.newContext({ baseURL: server.url, viewport: DESKTOP })
    const mo = await modContext.newPage()
    await mo.goto(url)
    await mo.getByRole('heading', { name: 'You are invited to moderate “Town hall”' }).waitFor()
    await mo.getByText(/Attendees see this name on your replies/).waitFor()
    await screenshot(mo, 'invite-page')
    expect(await blockingViolations(mo)).toEqual([])
    await mo.emulateMedia({ colorScheme: 'dark' })
    await screenshot(mo, 'invite-page-dark')
    expect(await blockingViolations(mo)).toEqual([])
    await mo.getByLabel('Your name').fill('Mo')
    await mo.getByRole('button', { name: 'Accept invitation' }).click()
    await mo.waitForURL(/\/moderate$/)
    await waitStaffOnline(mo)
    // The host is named in the moderator's history, not "The host".
    await mo
      .locator('.audit-list')
      .getByText(/Hana invited a moderator/)
      .waitFor()
    await expect(mo.locator('.audit-list').getByText('The host').count()).resolves.toBe(0)

    // The host's console lists Mo as staff and the link as used by Mo, also after a reload.
    await host.locator('.staff-list').getByText('Mo', { exact: true }).waitFor()
    await host
      .locator('.invite-list')
      .getByText(/Moderator link, used by Mo/)
      .waitFor()
    await host.reload()
    await waitStaffOnline(host)
    const moRow = host.locator('.staff-list li').filter({ hasText: 'Mo' })
    await moRow.waitFor()
    await host.locator('.invites').scrollIntoViewIfNeeded()
    await screenshot(host, 'host-staff-and-invites')
    expect(await blockingViolations(host)).toEqual([])

    // Withdrawing Mo's role closes Mo's console at once.
    await moRow.getByRole('button', { name: 'Withdraw role…' }).click()
    await moRow.getByRole('button', { name: 'Withdraw', exact: true }).click()
    await mo.getByRole('heading', { name: 'The host withdrew your access' }).waitFor({
      timeout: 15_000,
    })
    await expect
      .poll(() => host.locator('.staff-list li').filter({ hasText: 'Mo' }).count())
      .toBe(0)
    await host
      .locator('.invite-list li[data-status="revoked"]')
      .getByText(/used by Mo/)
      .waitFor()

    // A pending link the host revokes says so when opened.
    await host.getByRole('button', { name: 'Create invite link' }).click()
    const second = await host.locator('.invite-list li[data-status="pending"] input').inputValue()
    await host
      .locator('.invite-list li[data-status="pending"]')
      .getByRole('button', { name: 'Revoke' })
      .click()
    await expect.poll(() => host.locator('.invite-list li[data-status="pending"]').count()).toBe(0)
    const late = await (await browser.newContext({ baseURL: server.url })).newPage()
    await late.goto(second)
    await late.getByRole('heading', { name: 'This invitation cannot be used' }).waitFor()
    await late.getByText(/The host has withdrawn this invite/).waitFor()

    await Promise.all([context.close(), modContext.close(), late.context().close()])
    expect(sessionId).toBeTruthy()
  })
})
