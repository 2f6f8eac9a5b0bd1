// The video stage in Chromium: fake devices, feed tiles, first-frame timing, relay-only
// peer connections. Used by the e2e tests, the mesh benchmark and the join-latency script.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS, findChromium } from './browser.ts'

/** The host console's window in video tests. */
export const STAGE_DESKTOP = { width: 1280, height: 900 }

/**
 * Chromium with a fake camera and microphone that need no permission prompt (both
 * flags also make getDisplayMedia return a fake screen headless), and plain IP
 * addresses in host candidates so contexts on this machine reach each other.
 */
export const VIDEO_ARGS = [
  ...CHROMIUM_ARGS,
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
]

/**
 * Many pages of one browser at once: none may count as in the background, where Chromium
 * stops painting video and throttles timers.
 */
const FOREGROUND_ARGS = [
  '--disable-background-media-suspend',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--disable-background-timer-throttling',
]

export function launchVideoBrowser(options: { manyPages?: boolean } = {}): Promise<Browser> {
  const args = options.manyPages ? [...VIDEO_ARGS, ...FOREGROUND_ARGS] : VIDEO_ARGS
  return chromium.launch({ executablePath: findChromium(), headless: true, args })
}

/** A stage feed tile on a viewer's page. */
export const feedTile = (page: Page, feed: 'camera' | 'screen' = 'camera') =>
  page.locator(`[data-testid="stage-feed"][data-feed="${feed}"]`)

export interface VideoFrames {
  width: number
  frames: number
  state: string | null
}

/** The video of a feed: its decoded width and how many frames it has shown so far. */
export async function videoFrames(
  page: Page,
  feed: 'camera' | 'screen' = 'camera',
): Promise<VideoFrames> {
  return feedTile(page, feed)
    .first()
    .evaluate((tile) => {
      const video = tile.querySelector('video')
      return {
        width: video?.videoWidth ?? 0,
        frames: video?.getVideoPlaybackQuality().totalVideoFrames ?? 0,
        state: tile.getAttribute('data-state'),
      }
    })
    .catch(() => ({ width: 0, frames: 0, state: null }))
}

/** Waits until a feed plays: a decoded picture and frames still rising a second later. */
export async function waitForPlaying(
  page: Page,
  feed: 'camera' | 'screen' = 'camera',
  timeoutMs = 30_000,
): Promise<VideoFrames> {
  const until = Date.now() + timeoutMs
  let last: VideoFrames = { width: 0, frames: 0, state: null }
  while (Date.now() < until) {
    const first = await videoFrames(page, feed)
    if (first.width > 0 && first.frames > 0 && first.state === 'live') {
      await page.waitForTimeout(1000)
      const later = await videoFrames(page, feed)
      if (later.width > 0 && later.frames > first.frames && later.state === 'live') return later
      last = later
    } else {
      last = first
      await page.waitForTimeout(200)
    }
  }
  throw new Error(
    `the ${feed} feed did not play within ${timeoutMs} ms (last: ${JSON.stringify(last)})`,
  )
}

/**
 * Starts watching for the first decoded frame of a feed on this page; resolves to the
 * wall-clock time (ms) it was shown. Polls every animation frame.
 */
export async function armFirstFrame(
  page: Page,
  feed: 'camera' | 'screen' = 'camera',
): Promise<() => Promise<number>> {
  // A string, not a function: tools that run this file may rename inner functions
  // with helpers the page does not have. It ends in `undefined` so that evaluate does
  // not wait for the promise it stores.
  await page.evaluate(`
    window.__firstFrame = new Promise((resolve) => {
      const selector = '[data-testid="stage-feed"][data-feed="${feed}"] video'
      const poll = () => {
        const video = document.querySelector(selector)
        if (video && video.videoWidth > 0 && video.getVideoPlaybackQuality().totalVideoFrames > 0) {
          resolve(Date.now())
          return
        }
        requestAnimationFrame(poll)
      }
      poll()
    });
    undefined
  `)
  return () =>
    page.evaluate(() => (window as unknown as { __firstFrame: Promise<number> }).__firstFrame)
}

/** Clicks "Go on stage" and returns the wall-clock time of the click. */
export async function goOnStage(page: Page): Promise<number> {
  const button = page.getByRole('button', { name: 'Go on stage' })
  await button.waitFor()
  const at = await page.evaluate(() => Date.now())
  await button.click()
  await page.getByText(/^On stage · \d+ watching/).waitFor()
  return at
}

/** The host takes the session live: TURN relays are handed out only then. */
export async function goLive(host: Page): Promise<void> {
  await host.getByRole('button', { name: 'Go live' }).click()
  await host.locator('.session-status[data-status="live"]').waitFor()
}

export async function newViewerContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL, viewport: { width: 800, height: 900 } })
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Every peer connection of the context may only use TURN relays, and is kept for inspection. */
export async function forceRelay(context: BrowserContext): Promise<void> {
  // A string for the same reason as in armFirstFrame.
  await context.addInitScript(`
    const Native = window.RTCPeerConnection
    const made = []
    window.__pcs = made
    window.RTCPeerConnection = class extends Native {
      constructor(config = {}) {
        super({ ...config, iceTransportPolicy: 'relay' })
        made.push(this)
      }
    }
  `)
}
