/**
 * From clicking "Go on stage" to the first decoded frame at a viewer, directly and
 * through TURN (median of several runs):
 *
 *   node --import tsx signal-server/scripts/join-latency.ts [--runs 5]
 *
 * Runs the real product on 127.0.0.1 (client, API, sync, PeerJS signaling) and a real
 * coturn, with one host and one attendee in headless Chromium with fake devices. The
 * TURN runs force `iceTransportPolicy: 'relay'` on every peer connection of both pages.
 * Each run: the host goes on stage, the attendee's first decoded frame is timed, the
 * host leaves the stage and the attendee's tile goes away.
 */
import { parseArgs } from 'node:util'
import type { Browser } from 'playwright-core'
import { startCoturn } from '../../test-support/coturn.ts'
import { createHostSession } from '../../test-support/host.ts'
import { joinRoom } from '../../test-support/room.ts'
import { startServer } from '../../test-support/served.ts'
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

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } })
const RUNS = Number(values.runs)
const TURN_SECRET = 'join-latency-turn-secret-000'

async function measure(browser: Browser, baseURL: string, relay: boolean): Promise<number[]> {
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
  const viewerContext = await newViewerContext(browser, baseURL)
  if (relay) await forceRelay(viewerContext)
  const viewer = await joinRoom(viewerContext, session.code, 'Viewer')
  const results: number[] = []
  for (let run = 0; run < RUNS; run++) {
    const firstFrame = await armFirstFrame(viewer)
    const clickedAt = await goOnStage(session.host)
    results.push((await firstFrame()) - clickedAt)
    await session.host.getByRole('button', { name: 'Leave stage' }).click()
    await session.host.getByRole('button', { name: 'Go on stage' }).waitFor()
    while ((await feedTile(viewer).count()) > 0) await viewer.waitForTimeout(100)
    await viewer.waitForTimeout(1000)
  }
  await session.context.close()
  await viewerContext.close()
  return results
}

const coturn = await startCoturn(TURN_SECRET)
const server = await startServer(
  { TURN_SECRET, TURN_URLS: coturn.urls[0]!, TURN_TTL_SECONDS: '600' },
  { signaling: true },
)
const browser = await launchVideoBrowser()
try {
  console.log(
    `load average: ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim()}`,
  )
  for (const relay of [false, true]) {
    const results = await measure(browser, server.url, relay)
    console.log(
      `${relay ? 'through TURN (relay only)' : 'direct'}: median ${Math.round(median(results))} ms over ${RUNS} runs (${results.join(', ')} ms)`,
    )
  }
} finally {
  await browser.close()
  await server.close()
  await coturn.stop()
}
