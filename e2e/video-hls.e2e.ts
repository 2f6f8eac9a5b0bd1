import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHostSession } from '../test-support/host.ts'
import { type Janus, startJanus } from '../test-support/janus.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { joinRoom } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import {
  feedTile,
  goLive,
  goOnStage,
  launchVideoBrowser,
  STAGE_DESKTOP,
} from '../test-support/video.ts'

// Past the SFU's cap, the stage as HLS in the room: real Janus, real ffmpeg, hls.js in
// Chromium. SFU_MAX_VIEWERS=0, so once the presenter's eight direct places are taken, the
// next viewer is turned away by the SFU and plays the broadcast in the same tile.
const MESH_CAP = 8

let janus: Janus
let server: TestPodium
let browser: Browser

beforeAll(async () => {
  janus = await startJanus()
  ;[server, browser] = await Promise.all([
    startServer(
      { JANUS_URL: janus.url, JANUS_API_SECRET: janus.apiSecret, SFU_MAX_VIEWERS: '0' },
      { signaling: true },
    ),
    launchVideoBrowser({ manyPages: true }),
  ])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await janus?.stop()
})

/** Records what the broadcast tile's video goes through, for the message when it does not play. */
const recordVideo = (page: Page) =>
  feedTile(page)
    .locator('video')
    .evaluate((video: HTMLVideoElement) => {
      const log: string[] = []
      ;(window as unknown as { videoLog: string[] }).videoLog = log
      for (const name of ['loadedmetadata', 'playing', 'waiting', 'emptied', 'error', 'pause'])
        video.addEventListener(name, () =>
          log.push(
            `${Math.round(performance.now())} ${name} t=${video.currentTime.toFixed(2)} frames=${video.getVideoPlaybackQuality().totalVideoFrames}`,
          ),
        )
    })
const videoLog = (page: Page) =>
  page.evaluate(() => (window as unknown as { videoLog?: string[] }).videoLog ?? []).catch(() => [])

/** The broadcast tile's video: where playback is, how many frames it decoded, and by what. */
const playback = (page: Page) =>
  feedTile(page)
    .locator('video')
    .evaluate((video: HTMLVideoElement) => ({
      time: video.currentTime,
      frames: video.getVideoPlaybackQuality().totalVideoFrames,
      width: video.videoWidth,
      paused: video.paused,
      src: video.src,
      error: video.error?.message ?? null,
    }))

describe('the stage as HLS past the SFU', () => {
  it('a viewer the SFU turns away plays the broadcast in the room, a few seconds behind', {
    timeout: 300_000,
  }, async () => {
    const { host, code, sessionId } = await createHostSession(
      browser,
      server.url,
      'Town hall',
      STAGE_DESKTOP,
    )
    await goLive(host)
    await goOnStage(host)

    // The presenter's direct places fill up.
    const direct: Page[] = []
    for (let i = 0; i < MESH_CAP; i += 4) {
      const batch = Array.from({ length: 4 }, async (_, j) => {
        const context = await browser.newContext({
          baseURL: server.url,
          viewport: { width: 480, height: 600 },
        })
        return joinRoom(context, code, `Viewer ${i + j + 1}`)
      })
      direct.push(...(await Promise.all(batch)))
    }
    await host
      .getByText(new RegExp(`^On stage · ${MESH_CAP} watching`))
      .waitFor({ timeout: 90_000 })

    // The next one goes past the mesh cap to the SFU, which is full, so to the broadcast.
    // (On a loaded machine a viewer may lose its direct place while reconnecting and be
    // sent there instead: any viewer on the broadcast will do.)
    const pathOf = (page: Page) =>
      feedTile(page)
        .getAttribute('data-path')
        .catch(() => null)
    const onBroadcast = async (pages: Page[]) => {
      for (const page of pages) if ((await pathOf(page)) === 'broadcast') return page
      return null
    }
    let late = await onBroadcast(direct)
    for (let i = 0; i < 3 && !late; i++) {
      const context = await browser.newContext({
        baseURL: server.url,
        viewport: { width: 800, height: 900 },
      })
      const page = await joinRoom(context, code, `Late viewer ${i + 1}`)
      await expect.poll(() => pathOf(page), { timeout: 20_000 }).not.toBeNull()
      await page.waitForTimeout(2000)
      late = await onBroadcast([page, ...direct])
    }
    if (!late) throw new Error('no viewer was sent to the broadcast')
    const tile = feedTile(late)
    await tile.getByText('broadcast · a few seconds behind').waitFor()
    await recordVideo(late)
    // The tile says live once frames play, not when the playlist appears (and starting
    // again while the player recovers). The time allows one broadcast that got no picture
    // in 20 s and the start the server then makes again.
    const shown = async () =>
      (await tile.getAttribute('data-state')) === 'live' && (await playback(late)).frames > 0
    await expect
      .poll(shown, { timeout: 60_000 })
      .toBe(true)
      .catch(async (error: unknown) => {
        const video = await playback(late).catch(() => null)
        throw new Error(
          `the broadcast did not play: ${await tile.textContent()} ${JSON.stringify(video)} ${await videoLog(late)}`,
          { cause: error },
        )
      })

    // It plays: frames are decoded and the playback position moves on.
    const first = await playback(late)
    // Through hls.js (Media Source Extensions), not Chromium's own HLS player, which
    // answers `maybe` for HLS but failed on this stream in about half the runs.
    expect(first.src).toMatch(/^blob:/)
    // A live stream may wait a moment for its next segment when the machine is busy (the
    // encoder runs beside a dozen pages): the position must move on, not never pause.
    await expect
      .poll(async () => (await playback(late)).time, { timeout: 15_000 })
      .toBeGreaterThan(first.time + 1.5)
      .catch(async (error: unknown) => {
        throw new Error(`the broadcast stopped: ${(await videoLog(late)).join(', ')}`, {
          cause: error,
        })
      })
    const later = await playback(late)
    const log = await videoLog(late)
    expect(later.frames, log.join(', ')).toBeGreaterThan(first.frames)
    expect(later.width).toBeGreaterThan(0)
    console.info(`broadcast playing at ${later.width} px wide, ${later.frames} frames decoded`)
    expect(later.paused).toBe(false)
    await late.screenshot({ path: 'test-results/screenshots/stage-broadcast.png' })

    // The host stops the broadcast: the viewer is told it is not running, and why.
    const hostToken = await host.evaluate((sid) => {
      const key = Object.keys(localStorage).find(
        (k) => k.startsWith('podium:identity:') && k.includes(sid),
      )
      return (JSON.parse(localStorage.getItem(key ?? '') ?? '{}') as { token?: string }).token
    }, sessionId)
    const stopped = await host.evaluate(
      async ({ sid, token }) =>
        (
          await fetch(`/broadcast/sessions/${sid}`, {
            method: 'DELETE',
            headers: { authorization: `Bearer ${token}` },
          })
        ).status,
      { sid: sessionId, token: hostToken ?? '' },
    )
    expect(stopped).toBe(200)
    await tile
      .getByText(/^The broadcast is not running\. The host stopped the broadcast\./)
      .waitFor({ timeout: 10_000 })
    await late.screenshot({ path: 'test-results/screenshots/stage-broadcast-stopped.png' })
  })
})
