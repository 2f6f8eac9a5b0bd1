import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS, findChromium } from '../../test-support/browser.ts'
import { DESKTOP, waitStaffOnline } from '../../test-support/host.ts'

/**
 * Chromium for staff tests. WebRTC host candidates stay plain IP addresses (no mDNS
 * names), so two contexts on this machine can reach each other peer to peer.
 */
export function launchStaffBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: [...CHROMIUM_ARGS, '--disable-features=WebRtcHideLocalIpsWithMdns'],
  })
}

/** The host creates a moderator invite; a new browser accepts it and opens the console. */
export async function inviteModerator(
  host: Page,
  browser: Browser,
  baseURL: string,
  name: string,
  prepare?: (context: BrowserContext) => Promise<void>,
): Promise<Page> {
  await host.getByLabel('Role').selectOption('moderator')
  await host.getByRole('button', { name: 'Create invite link' }).click()
  const link = host.locator('.invite-list input').first()
  await link.waitFor()
  const url = await link.inputValue()
  const context = await browser.newContext({ baseURL, viewport: DESKTOP })
  await prepare?.(context)
  const page = await context.newPage()
  await page.goto(url)
  await page.getByLabel('Your name').fill(name)
  await page.getByRole('button', { name: 'Accept invitation' }).click()
  await page.waitForURL(/\/moderate$/)
  await waitStaffOnline(page)
  return page
}

/**
 * Routes a context's WebSockets on `path` through the test, so it can cut them (and
 * refuse new ones) as a lost connection would, then let them through again.
 */
export async function cuttableSockets(context: BrowserContext, path: RegExp) {
  let cut = false
  const open = new Set<WebSocketRoute>()
  await context.routeWebSocket(path, (ws) => {
    if (cut) {
      void ws.close({ code: 1006, reason: 'offline' })
      return
    }
    ws.connectToServer()
    open.add(ws)
    ws.onClose(() => open.delete(ws))
  })
  return {
    async cut() {
      cut = true
      await Promise.all([...open].map((ws) => ws.close({ code: 1001, reason: 'offline' })))
      open.clear()
    },
    restore() {
      cut = false
    },
  }
}

/** Refuses every WebSocket a context opens on `path` (say, to keep it off the peer link). */
export async function blockSockets(context: BrowserContext, path: RegExp): Promise<void> {
  await context.routeWebSocket(path, (ws) => {
    void ws.close({ code: 1006, reason: 'blocked' })
  })
}

export interface ShownQuestion {
  text: string
  state: string[]
  labels: string[]
  replies: string[]
}

/** What a moderator console shows: every question's state, and the review queue. */
export async function consoleState(page: Page): Promise<{
  questions: ShownQuestion[]
  queue: string[]
  spotlight: string | null
}> {
  return page.evaluate(() => {
    const text = (el: Element | null) => el?.textContent?.trim() ?? ''
    const questions = [...document.querySelectorAll('.item-question')].map((el) => ({
      text: text(el.querySelector('.item-text')),
      state: ['pinned', 'answered', 'moderated', 'on-screen'].filter((c) =>
        el.classList.contains(c),
      ),
      labels: [...el.querySelectorAll('.chips .chip')].map(text),
      replies: [...el.querySelectorAll('.st-replies .st-reply-text')].map(text),
    }))
    questions.sort((a, b) => a.text.localeCompare(b.text))
    return {
      questions,
      queue: [...document.querySelectorAll('.item-pending .item-text')].map(text).sort(),
      spotlight: document.querySelector('.spotlight-text p')?.textContent ?? null,
    }
  })
}

export function pendingCard(page: Page, text: string) {
  return page.locator('.item-pending').filter({ hasText: text })
}

export function questionCard(page: Page, text: string) {
  return page.locator('.item-question').filter({ hasText: text })
}

/** Parses m:ss or h:mm:ss into seconds. */
export function seconds(clock: string): number {
  return clock
    .trim()
    .split(':')
    .map(Number)
    .reduce((total, part) => total * 60 + part, 0)
}
