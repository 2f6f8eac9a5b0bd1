// A host in the product's console, as the browser tests and the scripts that drive it in
// Chromium start a session.
import type { Browser, BrowserContext, Page } from 'playwright-core'

export const DESKTOP = { width: 1280, height: 800 }
export const WIDE = { width: 1920, height: 1080 }

export interface HostSession {
  context: BrowserContext
  host: Page
  sessionId: string
  code: string
}

/** Creates a session from the landing page; ends on the host console, online. */
export async function createHostSession(
  browser: Browser,
  baseURL: string,
  title: string,
  viewport = DESKTOP,
): Promise<HostSession> {
  const context = await browser.newContext({ baseURL, viewport })
  const host = await context.newPage()
  await host.goto('/')
  await host.getByLabel('Session title').fill(title)
  await host.getByRole('button', { name: 'Create session' }).click()
  await host.waitForURL(/\/s\/[A-Za-z0-9_-]+\/host$/)
  const sessionId = host.url().split('/').at(-2) ?? ''
  await waitStaffOnline(host)
  const code = (await host.locator('.join-code').textContent())?.trim() ?? ''
  return { context, host, sessionId, code }
}

/** Waits until a staff console (host or moderator) shows it is connected. */
export async function waitStaffOnline(page: Page): Promise<void> {
  await page.locator('.conn[data-status="online"]').waitFor()
}
