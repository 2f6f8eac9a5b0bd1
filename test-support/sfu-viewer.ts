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
  /** Layers Janus reported forwarding, in order. */
  forwarded: number[]
  /** The layer asked for and the one forwarded, now. */
  layer: { wanted: number; forwarded: number | null } | null
  /** The watcher's states, in order. */
  states: string[]
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
  // Every peer connection the watcher makes, for the test to read or hang up. A string,
  // as in armFirstFrame (test-support/video.ts). Scripts run with tsx (join-latency) wrap
  // the functions below in esbuild's __name helper, which the page needs too.
  await page.evaluate(`
    window.__name = window.__name || ((fn) => fn)
    window.__stageViewerPcs = []
    const Native = window.RTCPeerConnection
    window.RTCPeerConnection = class extends Native {
      constructor(config) {
        super(config)
        window.__stageViewerPcs.push(this)
      }
    };
    undefined
  `)
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
        forwarded: [] as number[],
        layer: null as StageViewerState['layer'],
        states: ['connecting'],
        samples: [] as StageViewerState['samples'],
        state: 'connecting',
      }
      const pcs = (window as unknown as { __stageViewerPcs: RTCPeerConnection[] }).__stageViewerPcs
      ;(window as unknown as { __stageViewer: unknown }).__stageViewer = { video, seen, pcs }
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
            seen.states.push(state)
          },
          stream: (stream) => {
            video.srcObject = stream
          },
          measured: ({ level, sample }) => {
            const { lossPct, rttMs, jitterMs } = sample
            seen.samples.push({ level, lossPct, rttMs, jitterMs })
          },
          layer: ({ wanted, forwarded }) => {
            if (seen.substreams.at(-1) !== wanted) seen.substreams.push(wanted)
            if (forwarded !== null && seen.forwarded.at(-1) !== forwarded)
              seen.forwarded.push(forwarded)
            seen.layer = { wanted, forwarded }
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
          seen: Pick<
            StageViewerState,
            'substreams' | 'forwarded' | 'layer' | 'states' | 'samples' | 'state'
          >
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

/** The stage viewer's state once `check` holds, or as it is after `timeoutMs`. */
export async function stageViewerUntil(
  page: Page,
  check: (state: StageViewerState) => boolean,
  timeoutMs: number,
): Promise<StageViewerState> {
  const end = Date.now() + timeoutMs
  let state = await stageViewerState(page)
  while (!check(state) && Date.now() < end) {
    await page.waitForTimeout(250)
    state = await stageViewerState(page)
  }
  return state
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

/** The page's newest subscriber connection: its state and the candidate types it uses. */
export async function stageViewerConnection(
  page: Page,
): Promise<{ count: number; state: string; local: string | null; remote: string | null }> {
  return page.evaluate(async () => {
    const { pcs } = (window as unknown as { __stageViewer: { pcs: RTCPeerConnection[] } })
      .__stageViewer
    const pc = pcs.at(-1)
    if (!pc) return { count: 0, state: 'none', local: null, remote: null }
    const stats = [...(await pc.getStats()).values()] as Array<Record<string, unknown>>
    const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId)
    const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId)
    const type = (id: unknown) =>
      (stats.find((s) => s.id === id)?.candidateType as string | undefined) ?? null
    return {
      count: pcs.length,
      state: pc.connectionState,
      local: type(pair?.localCandidateId),
      remote: type(pair?.remoteCandidateId),
    }
  })
}

/**
 * Hangs up the page's subscriber connection under the watcher's feet: the page closes it,
 * Janus hangs up the handle (DTLS close alert) and the proxy tells the watcher `ended`,
 * while the publisher's feed stays published.
 */
export async function hangUpStageViewer(page: Page): Promise<void> {
  await page.evaluate(() => {
    const { pcs } = (window as unknown as { __stageViewer: { pcs: RTCPeerConnection[] } })
      .__stageViewer
    pcs.at(-1)?.close()
  })
}

/**
 * Starts watching for the stage viewer's next first decoded frame (a picture on a stream
 * attached after now); resolves to the wall-clock time (ms) it was shown.
 */
export async function armStageViewerFrame(page: Page): Promise<() => Promise<number>> {
  // A string, as in armFirstFrame (test-support/video.ts).
  await page.evaluate(`
    window.__stageFirstFrame = new Promise((resolve) => {
      const video = window.__stageViewer.video
      const poll = () => {
        if (video.srcObject && video.videoWidth > 0) {
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
    page.evaluate(
      () => (window as unknown as { __stageFirstFrame: Promise<number> }).__stageFirstFrame,
    )
}
