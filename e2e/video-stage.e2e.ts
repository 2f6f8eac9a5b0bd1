import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHostSession, waitStaffOnline } from '../test-support/host.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { joinRoom } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import {
  armFirstFrame,
  feedTile,
  goOnStage,
  launchVideoBrowser,
  newViewerContext,
  STAGE_DESKTOP,
  videoFrames,
  waitForPlaying,
} from '../test-support/video.ts'

const require = createRequire(import.meta.url)
const PEERJS_UMD = require.resolve('peerjs/dist/peerjs.min.js')

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

describe('the video stage in Chromium with fake devices', () => {
  it('a host goes on stage, shares a screen, drops out and comes back, leaves and returns; attendees follow; an attendee cannot publish', async () => {
    const {
      context: hostContext,
      host,
      code,
      sessionId,
    } = await createHostSession(browser, server.url, 'Town hall', STAGE_DESKTOP)
    const [ada, bob] = await Promise.all([
      newViewerContext(browser, server.url).then((c) => joinRoom(c, code, 'Ada')),
      newViewerContext(browser, server.url).then((c) => joinRoom(c, code, 'Bob')),
    ])
    const firstFrame = await Promise.all([armFirstFrame(ada), armFirstFrame(bob)])

    // The host goes on stage; both attendees see and name the host's camera.
    const clickedAt = await goOnStage(host)
    for (const page of [ada, bob]) {
      await waitForPlaying(page)
      await expect(feedTile(page).locator('figcaption').textContent()).resolves.toContain(
        'The host',
      )
    }
    const latencies = await Promise.all(firstFrame.map(async (at) => (await at()) - clickedAt))
    console.info(`go on stage → first decoded frame (direct): ${latencies.join(' ms, ')} ms`)
    for (const ms of latencies) expect(ms).toBeLessThan(15_000)
    await host.getByText('On stage · 2 watching').waitFor()

    // Quality: the panel fills from getStats, with an indicator per connection.
    await ada.getByText('Connection quality').click()
    await expect
      .poll(() => ada.locator('[data-testid="quality-row"] td').nth(4).textContent(), {
        timeout: 10_000,
      })
      .toMatch(/\d+ kbit\/s/)
    await expect
      .poll(() => feedTile(ada).locator('[data-level]').getAttribute('data-level'), {
        timeout: 10_000,
      })
      .toMatch(/good|fair|poor/)
    await host.getByText('Connection quality').click()
    await expect.poll(() => host.locator('[data-testid="quality-row"]').count()).toBe(2)

    // Screen share beside the camera reaches both attendees.
    await host.getByRole('button', { name: 'Share screen' }).click()
    await host.getByRole('button', { name: 'Stop sharing' }).waitFor()
    for (const page of [ada, bob]) await waitForPlaying(page, 'screen')

    // Mute and camera off show on the attendees' tiles.
    await host.getByRole('button', { name: 'Mute' }).click()
    await host.getByRole('button', { name: 'Camera off' }).click()
    await feedTile(ada).getByText('muted').waitFor()
    await feedTile(ada).getByText('Camera off').waitFor()
    await host.getByRole('button', { name: 'Unmute' }).click()
    await host.getByRole('button', { name: 'Camera on' }).click()
    await host.getByRole('button', { name: 'Stop sharing' }).click()
    await expect.poll(() => feedTile(ada, 'screen').count()).toBe(0)

    // The host's page closes: attendees are told, rather than left with a frozen frame.
    await host.close()
    for (const page of [ada, bob]) {
      await feedTile(page)
        .getByText(/Presenter disconnected/)
        .waitFor({ timeout: 20_000 })
      expect((await videoFrames(page)).state).toBe('disconnected')
    }
    // Reopening the host console puts the host back on stage, and the video returns.
    const reopened = await hostContext.newPage()
    await reopened.goto(`/s/${sessionId}/host`)
    await waitStaffOnline(reopened)
    await reopened.getByText(/^On stage · \d+ watching/).waitFor({ timeout: 20_000 })
    for (const page of [ada, bob]) await waitForPlaying(page, 'camera', 40_000)

    // An attendee's browser that tries to publish is refused by the signaling server.
    await expect(tryToPublish(ada, sessionId)).resolves.toEqual({
      asPublisher: expect.stringMatching(/Only the host and presenters may publish video/),
      asViewerSending: expect.stringMatching(/Only the host and presenters may publish video/),
    })

    // Leaving the stage takes the tile away.
    await reopened.getByRole('button', { name: 'Leave stage' }).click()
    for (const page of [ada, bob])
      await expect.poll(() => feedTile(page).count(), { timeout: 10_000 }).toBe(0)
    await reopened.getByRole('button', { name: 'Go on stage' }).waitFor()

    // Going on stage again after leaving reaches the same attendees again.
    await goOnStage(reopened)
    for (const page of [ada, bob]) await waitForPlaying(page)
  })
})

/**
 * Real PeerJS in an attendee's page, with that attendee's own token: once claiming a
 * stage id, once calling the host with a camera stream. Returns the server's refusals.
 */
async function tryToPublish(page: Page, sessionId: string) {
  // Evaluated through the debugging protocol: the page's CSP refuses inline script tags.
  await page.evaluate(readFileSync(PEERJS_UMD, 'utf8'))
  return page.evaluate(async (sid) => {
    const identity = JSON.parse(localStorage.getItem(`podium:identity:${sid}`) ?? '{}') as {
      userId: string
      token: string
    }
    const hex = (text: string) =>
      Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('')
    const hostId =
      document.querySelector('[data-testid="stage-feed"]')?.getAttribute('data-user') ?? ''
    type PeerLike = {
      on(event: string, fn: (arg: { type?: string; message?: string }) => void): void
      call(id: string, stream: MediaStream): unknown
      destroy(): void
    }
    const { Peer } = (
      window as unknown as { peerjs: { Peer: new (id: string, options: object) => PeerLike } }
    ).peerjs
    const options = (nonce: string) => ({
      host: location.hostname,
      port: Number(location.port),
      path: '/peerjs',
      secure: false,
      token: `${identity.token}~${nonce}`,
    })
    const refusal = (peer: PeerLike, act: () => void) =>
      new Promise<string>((resolve) => {
        const timer = setTimeout(() => resolve('no refusal'), 10_000)
        peer.on('open', act)
        peer.on('error', (error) => {
          clearTimeout(timer)
          peer.destroy()
          resolve(`${error.type}: ${error.message}`)
        })
      })
    const asPublisher = await refusal(
      new Peer(`pd-${hex(sid)}-${hex(identity.userId)}-stage`, options('tabaaa01')),
      () => {},
    )
    const camera = await navigator.mediaDevices.getUserMedia({ video: true, audio: true })
    const viewer = new Peer(
      `pd-${hex(sid)}-${hex(identity.userId)}-watch-tabbbb02`,
      options('tabbbb02'),
    )
    const asViewerSending = await refusal(viewer, () => {
      viewer.call(`pd-${hex(sid)}-${hex(hostId)}-stage`, camera)
    })
    for (const track of camera.getTracks()) track.stop()
    return { asPublisher, asViewerSending }
  }, sessionId)
}
