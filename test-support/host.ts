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
  /** The private host link the creation screen showed. */
  hostLink: string | null
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
  const hostLink = await createFromLanding(host)
  const sessionId = host.url().split('/').at(-2) ?? ''
  await waitStaffOnline(host)
  const code = (await host.locator('.join-code').textContent())?.trim() ?? ''
  return { context, host, sessionId, code, hostLink }
}

const HOST_CONSOLE = /\/s\/[A-Za-z0-9_-]+\/host$/

/**
 * Clicks "Create session" on the landing page (its title filled in) and goes on to the host
 * console: at once when signed in, else through the screen that shows the private host
 * link, which it returns (null when signed in).
 */
export async function createFromLanding(page: Page): Promise<string | null> {
  await page.getByRole('button', { name: 'Create session' }).click()
  const open = page.getByRole('link', { name: 'Open the host console' })
  // The wait that loses the race ends on its own later: it must not reject unheard.
  const consoleShown = page.waitForURL(HOST_CONSOLE).catch(() => {})
  const linkShown = open.waitFor().catch(() => {})
  await Promise.race([consoleShown, linkShown])
  if (HOST_CONSOLE.test(page.url())) return null
  const hostLink = await page.getByLabel('Private host link').inputValue()
  await open.click()
  await page.waitForURL(HOST_CONSOLE)
  return hostLink
}

/** Waits until a staff console (host or moderator) shows it is connected. */
export async function waitStaffOnline(page: Page): Promise<void> {
  await page.locator('.conn[data-status="online"]').waitFor()
}
