import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../test-support/browser.ts'
import { request, type TestPodium } from '../test-support/podium.ts'
import { startServer } from '../test-support/served.ts'

let server: TestPodium
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** podium_client_errors_total{kind} as /metrics says it now. */
async function reported(kind: string): Promise<number> {
  const { body } = await request<string>(`${server.url}/metrics`)
  const line = body
    .split('\n')
    .find((l) => l.startsWith(`podium_client_errors_total{kind="${kind}"}`))
  return line ? Number(line.split(' ')[1]) : 0
}

describe('error reports from the browser', () => {
  it('sends an uncaught error and an unhandled rejection to the server, once each', async () => {
    const context = await browser.newContext({ baseURL: server.url })
    const page = await context.newPage()
    await page.goto('/?utm=secret-campaign')
    await page.getByRole('heading', { level: 1 }).first().waitFor()
    const sent: string[] = []
    page.on('request', (r) => {
      if (r.url().endsWith('/api/client-errors')) sent.push(r.postData() ?? '')
    })
    // Thrown from timers, as the app's own code would: nothing catches them.
    await page.evaluate(() => {
      for (let i = 0; i < 3; i++)
        setTimeout(() => {
          throw new Error('The stage failed to start')
        })
      setTimeout(() => {
        void Promise.reject(new Error('The poll could not be sent'))
      })
    })
    await expect.poll(() => reported('error'), { timeout: 15_000 }).toBe(1)
    await expect.poll(() => reported('unhandledrejection'), { timeout: 15_000 }).toBe(1)
    // The same message three times is one report; the path goes without its query.
    expect(sent).toHaveLength(2)
    const first = JSON.parse(sent[0]!) as { message: string; path: string; stack?: string }
    expect(first).toMatchObject({ message: 'The stage failed to start', path: '/' })
    expect(first.stack).toContain('Error: The stage failed to start')
    expect(sent.join('')).not.toContain('secret-campaign')
    await context.close()
  })
})
