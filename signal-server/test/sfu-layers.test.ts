import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Janus, startJanus } from '../../test-support/janus.ts'
import {
  askLayer,
  decodedWidth,
  forwardedLayers,
  publishFromPage,
  sentLayers,
  watchFromPage,
} from '../../test-support/sfu-browser.ts'
import { launchVideoBrowser } from '../../test-support/video.ts'
import { startSignal, type TestSignal } from './helpers/signal.ts'

// The layer a viewer asks for is the layer it decodes: a real Janus between a Chromium
// publisher sending three simulcast layers of a 960×540 camera (the stage's size) and a
// Chromium viewer, both through the proxy.
const SID = 'sfuLayers01'
const FULL = 960

let janus: Janus
let signal: TestSignal
let browser: Browser

beforeAll(async () => {
  ;[janus, browser] = await Promise.all([startJanus(), launchVideoBrowser({ manyPages: true })])
  signal = await startSignal({ JANUS_URL: janus.url, JANUS_API_SECRET: janus.apiSecret })
})
afterAll(async () => {
  await browser?.close()
  await signal?.close()
  await janus?.stop()
})

/** Waits until the page decodes frames `width` wide; the widths seen on the way if not. */
async function untilWidth(page: Page, width: number, timeoutMs = 20_000): Promise<number[]> {
  const seen: number[] = []
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const now = await decodedWidth(page)
    if (seen.at(-1) !== now) seen.push(now)
    if (now === width) return seen
    await page.waitForTimeout(250)
  }
  return seen
}

describe('simulcast layers through Janus', () => {
  it('a viewer decodes the layer it asks for: full, half, quarter and back to full', {
    timeout: 150_000,
  }, async () => {
    const hostToken = await signal.token({ sub: 'layerHost1', sid: SID, role: 'host' })
    const publisher = await browser.newPage()
    await publishFromPage(publisher, signal.url, hostToken, { size: { width: FULL, height: 540 } })
    const viewerToken = await signal.token({ sub: 'layerView1', sid: SID, role: 'attendee' })
    const viewer = await browser.newPage()
    await watchFromPage(viewer, signal.url, viewerToken, { sessionId: SID, userId: 'layerHost1' })

    // The viewer starts on the top layer (Janus's default for a subscriber).
    const top = await untilWidth(viewer, FULL)
    // The proxy tells the viewer which layer Janus forwards (its tile names that one).
    await expect.poll(() => forwardedLayers(viewer).then((l) => l.at(-1))).toBe(2)
    const sent = await sentLayers(publisher)
    expect({ top, sent }).toMatchObject({
      top: expect.arrayContaining([FULL]),
      sent: { l: { width: FULL / 4 }, m: { width: FULL / 2 }, h: { width: FULL } },
    })
    for (const [layer, width] of [
      [1, FULL / 2],
      [0, FULL / 4],
      [2, FULL],
      [0, FULL / 4],
    ] as const) {
      await askLayer(viewer, layer)
      expect({ layer, widths: await untilWidth(viewer, width) }).toEqual({
        layer,
        widths: expect.arrayContaining([width]),
      })
      await expect.poll(() => forwardedLayers(viewer).then((l) => l.at(-1))).toBe(layer)
    }
    console.info(`layers Janus reported forwarding: ${(await forwardedLayers(viewer)).join(', ')}`)
  })
})
