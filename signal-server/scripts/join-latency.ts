/**
 * From clicking "Go on stage" to the first decoded frame at a viewer, directly and
 * through TURN (median of several runs), peer to peer (the mesh) or through the SFU:
 *
 *   node --import tsx signal-server/scripts/join-latency.ts [--runs 5] [--path mesh|sfu|both]
 *
 * Runs the real product on 127.0.0.1 (client, API, sync, PeerJS signaling, the /sfu
 * proxy) with a real coturn and, for the SFU, a real Janus, with one host and one viewer
 * in headless Chromium with fake devices. The TURN runs force `iceTransportPolicy:
 * 'relay'` on every peer connection of both pages. Each run: the host goes on stage, the
 * viewer's first decoded frame is timed, the host leaves the stage and the viewer's
 * picture goes away.
 *
 * Mesh: the viewer is an attendee in the room. SFU: the viewer runs the stage's own SFU
 * viewer (SfuLink, SfuWatcher, IceServers from client/src) on a page of the server, as the
 * room does past the mesh cap (which takes eight other viewers to reach): it subscribes
 * when /sfu announces the host's camera (Janus's webrtcup of the publisher) and shows it.
 */
import { parseArgs } from 'node:util'
import type { Browser, Page } from 'playwright-core'
import { join } from '../../test-support/api.ts'
import { startCoturn } from '../../test-support/coturn.ts'
import { createHostSession } from '../../test-support/host.ts'
import { startJanus } from '../../test-support/janus.ts'
import { joinRoom } from '../../test-support/room.ts'
import { startServer } from '../../test-support/served.ts'
import {
  armStageViewerFrame,
  stageViewerConnection,
  watchLikeTheStage,
} from '../../test-support/sfu-viewer.ts'
import {
  armFirstFrame,
  feedTile,
  forceRelay,
  goLive,
  goOnStage,
  launchVideoBrowser,
  median,
  newViewerContext,
  STAGE_DESKTOP,
} from '../../test-support/video.ts'

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, path: { type: 'string', default: 'both' } },
})
const RUNS = Number(values.runs)
const PATHS = values.path === 'both' ? (['mesh', 'sfu'] as const) : [values.path as 'mesh' | 'sfu']
if (PATHS.some((p) => p !== 'mesh' && p !== 'sfu')) throw new Error('--path is mesh, sfu or both')
const TURN_SECRET = 'join-latency-turn-secret-000'

async function measure(
  browser: Browser,
  baseURL: string,
  relay: boolean,
  path: 'mesh' | 'sfu',
): Promise<number[]> {
  const session = await createHostSession(
    browser,
    baseURL,
    relay ? 'Latency via TURN' : 'Latency direct',
    STAGE_DESKTOP,
  )
  if (relay) {
    await forceRelay(session.context)
    await session.host.reload()
    // TURN credentials are handed out only while the session is live.
    await goLive(session.host)
  }
  if (path === 'sfu' && !relay) await goLive(session.host)
  const viewerContext = await newViewerContext(browser, baseURL)
  if (relay) await forceRelay(viewerContext)
  const results: number[] = []
  if (path === 'mesh') {
    const viewer = await joinRoom(viewerContext, session.code, 'Viewer')
    for (let run = 0; run < RUNS; run++) {
      const firstFrame = await armFirstFrame(viewer)
      const clickedAt = await goOnStage(session.host)
      results.push((await firstFrame()) - clickedAt)
      await leaveStage(session.host)
      while ((await feedTile(viewer).count()) > 0) await viewer.waitForTimeout(100)
      await viewer.waitForTimeout(1000)
    }
  } else {
    const host = await session.host.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('podium:identity:')) ?? ''
      return JSON.parse(localStorage.getItem(key) ?? '{}') as { userId: string; sessionId: string }
    })
    const joined = await join(baseURL, session.code, 'Viewer')
    const viewer = await viewerContext.newPage()
    await watchLikeTheStage(viewer, baseURL, joined.token, {
      sessionId: joined.sessionId,
      userId: host.userId,
    })
    for (let run = 0; run < RUNS; run++) {
      const firstFrame = await armStageViewerFrame(viewer)
      const clickedAt = await goOnStage(session.host)
      results.push((await firstFrame()) - clickedAt)
      if (relay) await expectRelayed(viewer)
      await leaveStage(session.host)
      await viewer.waitForFunction(
        () =>
          (window as unknown as { __stageViewer: { video: HTMLVideoElement } }).__stageViewer.video
            .srcObject === null,
      )
      await viewer.waitForTimeout(1000)
    }
  }
  await session.context.close()
  await viewerContext.close()
  return results
}

async function leaveStage(host: Page) {
  await host.getByRole('button', { name: 'Leave stage' }).click()
  await host.getByRole('button', { name: 'Go on stage' }).waitFor()
}

/** The SFU viewer's connection to Janus goes through coturn (its end is a relay candidate). */
async function expectRelayed(viewer: Page) {
  const { local } = await stageViewerConnection(viewer)
  if (local !== 'relay') throw new Error(`the SFU viewer's connection is ${local}, not relayed`)
}

const coturn = await startCoturn(TURN_SECRET)
const janus = PATHS.includes('sfu') ? await startJanus() : null
const server = await startServer(
  {
    TURN_SECRET,
    TURN_URLS: coturn.urls[0]!,
    TURN_TTL_SECONDS: '600',
    ...(janus ? { JANUS_URL: janus.url, JANUS_API_SECRET: janus.apiSecret } : {}),
  },
  { signaling: true },
)
const browser = await launchVideoBrowser()
try {
  console.log(
    `load average: ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim()}`,
  )
  for (const path of PATHS)
    for (const relay of [false, true]) {
      const results = await measure(browser, server.url, relay, path)
      console.log(
        `${path === 'sfu' ? 'SFU' : 'mesh'}, ${relay ? 'through TURN (relay only)' : 'direct'}: median ${Math.round(median(results))} ms over ${RUNS} runs (${results.join(', ')} ms)`,
      )
    }
} finally {
  await browser.close()
  await server.close()
  await coturn.stop()
  await janus?.stop()
}
// After the SFU runs something (not tracked down) keeps the event loop alive: all is closed.
process.exit(0)
