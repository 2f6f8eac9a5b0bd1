import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../test-support/browser.ts'
import { request, type TestPodium } from '../test-support/podium.ts'
import { startServer } from '../test-support/served.ts'
import { blockingViolations } from './helpers/axe.ts'
import { screenshot } from './helpers/room.ts'

let server: TestPodium
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startServer({}, { signaling: true }), launchBrowser()])
  const posted = await request(`${server.url}/api/status/incidents`, {
    body: {
      title: 'Slow joins in Europe',
      body: 'Joining took up to 10 seconds between 09:00 and 09:20 UTC; a database index was rebuilt.',
      impact: 'minor',
    },
  })
  expect(posted.status).toBe(201)
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('/status in the browser', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`reads without JavaScript and passes axe in ${colorScheme}`, async () => {
      const context = await browser.newContext({
        baseURL: server.url,
        colorScheme,
        javaScriptEnabled: false,
        viewport: { width: 1000, height: 800 },
      })
      const page = await context.newPage()
      await page.goto('/status')
      await expect
        .poll(() => page.getByRole('status').textContent())
        .toBe('All systems operational')
      await expect.poll(() => page.getByRole('row').count()).toBe(7)
      await page.getByRole('heading', { name: 'Slow joins in Europe' }).waitFor()
      await screenshot(page, `status-${colorScheme}`)
      await context.close()
      // axe runs as a script: scan the same page with JavaScript on.
      const scanned = await browser.newContext({ baseURL: server.url, colorScheme })
      const scan = await scanned.newPage()
      await scan.goto('/status')
      expect(await blockingViolations(scan)).toEqual([])
      await scanned.close()
    })
  }
})
