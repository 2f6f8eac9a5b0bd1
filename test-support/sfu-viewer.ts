// The stage's own SFU viewer code, from client/src, in a Chromium page: bundled at test
// time (vite, from source), run on a page of the server's origin. The page subscribes as
// the stage does and steps layers from its real getStats(); the test reads what it did.
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { build, type Rolldown } from 'vite'
import type * as Viewer from './sfu-viewer-entry.ts'

const ENTRY = fileURLToPath(new URL('./sfu-viewer-entry.ts', import.meta.url))
const GLOBAL = '__podiumSfuViewer'

let bundled: Promise<string> | null = null

/** The viewer modules as one script that defines `window.__podiumSfuViewer`; once per run. */
function viewerScript(): Promise<string> {
  bundled ??= build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: { entry: ENTRY, formats: ['iife'], name: GLOBAL, fileName: 'sfu-viewer' },
    },
  }).then((result) => {
    const output = (Array.isArray(result) ? result[0] : result) as Rolldown.RolldownOutput
    const chunk = output.output.find((file) => file.type === 'chunk')
    if (!chunk) throw new Error('the SFU viewer did not bundle')
    return chunk.code
  })
  return bundled
}

export interface StageViewerState {
  /** Layers the watcher chose, in order (the first is its ceiling). */
  substreams: number[]
  /** Its getStats() samples in order: quality level, loss (%), round trip and jitter (ms). */
  samples: {
    level: string
    lossPct: number | null
    rttMs: number | null
    jitterMs: number | null
  }[]
  /** Width of the picture the <video> shows now (0 before the first frame). */
  width: number
  /** Frames shown so far. */
  frames: number
  state: string
}

/**
 * Watches a publisher's camera through the SFU with the stage's SfuWatcher, starting on
 * the top layer; the picture goes to a <video> of the page.
 */
export async function watchLikeTheStage(
  page: Page,
  baseUrl: string,
  token: string,
  target: { sessionId: string; userId: string },
): Promise<void> {
  await page.goto(`${baseUrl}/healthz`)
  // Evaluated through the debugging protocol, which the page's CSP does not govern.
  await page.evaluate(`${await viewerScript()}\nundefined`)
  await page.evaluate(
    async ({ token, target, global }) => {
      const { IceServers, SfuLink, SfuWatcher } = (window as unknown as Record<string, unknown>)[
        global
      ] as typeof Viewer
      const video = document.createElement('video')
      video.muted = true
      video.autoplay = true
      document.body.append(video)
      const seen = {
        substreams: [] as number[],
        samples: [] as StageViewerState['samples'],
        state: 'connecting',
      }
      ;(window as unknown as { __stageViewer: unknown }).__stageViewer = { video, seen }
      const ice = new IceServers(token, () => true)
      let watcher: InstanceType<typeof SfuWatcher> | null = null
      const link = await SfuLink.open(token, {
        feeds: (feeds) => watcher?.sync(feeds),
        closed: () => undefined,
      })
      watcher = new SfuWatcher(
        () => link,
        { ...target, feed: 'camera' },
        () => ice.get(),
        2,
        {
          state: (state) => {
            seen.state = state
          },
          stream: (stream) => {
            video.srcObject = stream
          },
          measured: ({ level, sample }) => {
            const { lossPct, rttMs, jitterMs } = sample
            seen.samples.push({ level, lossPct, rttMs, jitterMs })
          },
          substream: (substream) => {
            seen.substreams.push(substream)
          },
          full: () => undefined,
        },
      )
      watcher.sync(link.feeds)
    },
    { token, target, global: GLOBAL },
  )
}

export async function stageViewerState(page: Page): Promise<StageViewerState> {
  return page.evaluate(() => {
    const { video, seen } = (
      window as unknown as {
        __stageViewer: {
          video: HTMLVideoElement
          seen: Pick<StageViewerState, 'substreams' | 'samples' | 'state'>
        }
      }
    ).__stageViewer
    return {
      ...seen,
      width: video.videoWidth,
      frames: video.getVideoPlaybackQuality().totalVideoFrames,
    }
  })
}

/**
 * Caps what the page's network carries each way, WebRTC included: Chromium's own network
 * emulation (the DevTools throttling, which its WebRTC sockets obey), so the page's media
 * arrives late or not at all, as on a thin link. Only connections made after it: call it
 * before the page connects (a cap set on a live connection left it untouched in a run).
 */
export async function constrainLink(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: bytesPerSecond,
    uploadThroughput: bytesPerSecond,
  })
}
