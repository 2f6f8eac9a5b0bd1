import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHostSession } from '../test-support/host.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { joinRoom } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import {
  goLive,
  goOnStage,
  launchVideoBrowser,
  newViewerContext,
  STAGE_DESKTOP,
  waitForPlaying,
} from '../test-support/video.ts'
import { screenshot } from './helpers/room.ts'
import { inviteModerator } from './helpers/staff.ts'

let server: TestPodium
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([
    startServer({}, { signaling: true }),
    launchVideoBrowser(),
  ])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/**
 * Every Content-Security-Policy violation a context's pages report: the DOM event
 * (with the directive and what was blocked) and Chromium's console message.
 */
async function watchViolations(context: BrowserContext): Promise<string[]> {
  const seen: string[] = []
  await context.exposeFunction('__cspViolation', (text: string) => seen.push(text))
  // A string, not a function: see armFirstFrame in test-support/video.ts.
  await context.addInitScript(`
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolation(e.violatedDirective + ' blocked ' + e.blockedURI + ' in ' + e.documentURI)
    })
  `)
  context.on('page', (page) => watchConsole(page, seen))
  for (const page of context.pages()) watchConsole(page, seen)
  return seen
}

function watchConsole(page: Page, seen: string[]): void {
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) seen.push(message.text())
  })
}

describe('the Content-Security-Policy in the browser', () => {
  it('blocks nothing the room, the host console, the stage and the moderator console use', async () => {
    const { context: hostContext, host } = await createHostSession(
      browser,
      server.url,
      'Policy check',
      STAGE_DESKTOP,
    )
    const hostSeen = await watchViolations(hostContext)
    await host.reload()
    await host.locator('.conn[data-status="online"]').waitFor()
    // The QR code of the join link is an image the page draws itself.
    await host.locator('.join-code').waitFor()
    const code = (await host.locator('.join-code').textContent())?.trim() ?? ''
    await goLive(host)

    const viewerContext = await newViewerContext(browser, server.url)
    const viewerSeen = await watchViolations(viewerContext)
    const ada = await joinRoom(viewerContext, code, 'Ada')
    await goOnStage(host)
    await waitForPlaying(ada)
    // The offline shell: the service worker installs and takes the page.
    const worker = await ada.evaluate(async () => {
      const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' })
      await navigator.serviceWorker.ready
      return registration.active?.state ?? registration.installing?.state ?? 'none'
    })
    expect(['activated', 'activating', 'installed']).toContain(worker)

    let moderatorSeen: string[] = []
    const moderator = await inviteModerator(host, browser, server.url, 'Mo', async (context) => {
      moderatorSeen = await watchViolations(context)
    })
    await moderator.getByRole('heading').first().waitFor()

    await screenshot(ada, 'csp-room')
    await screenshot(host, 'csp-host-console')
    await screenshot(moderator, 'csp-moderator-console')

    const csp = (await fetch(server.url)).headers.get('content-security-policy')
    expect(csp).toContain("frame-ancestors 'none'")
    expect([...hostSeen, ...viewerSeen, ...moderatorSeen]).toEqual([])
    await moderator.context().close()
    await viewerContext.close()
    await hostContext.close()
  })
})
