import { writeFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHostSession } from '../test-support/host.ts'
import { type Janus, startJanus } from '../test-support/janus.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { joinRoom } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import { goLive, goOnStage, launchVideoBrowser, STAGE_DESKTOP } from '../test-support/video.ts'

// The host records the stage through a real Janus: the attendee's room and the projector
// say "Recording" while it runs, the recording is listed once ffmpeg has made it, plays
// in the console's <video>, and deleting it takes it off the list.
const SHOTS = process.env.PODIUM_SCREENSHOTS

let janus: Janus
let server: TestPodium
let browser: Browser

beforeAll(async () => {
  janus = await startJanus()
  ;[server, browser] = await Promise.all([
    startServer({ JANUS_URL: janus.url, JANUS_API_SECRET: janus.apiSecret }, { signaling: true }),
    launchVideoBrowser(),
  ])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await janus?.stop()
})

const shot = async (page: Page, name: string) => {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png` })
}

/** Clicks Record until Janus has the camera (the stage publishes on the SFU a moment after going on stage). */
async function record(host: Page) {
  const panel = host.locator('section.recordings')
  const until = Date.now() + 30_000
  for (;;) {
    await panel.getByRole('button', { name: 'Record the stage' }).click()
    const outcome = await Promise.race([
      panel
        .getByRole('button', { name: 'Stop recording' })
        .waitFor()
        .then(() => 'started'),
      panel
        .getByRole('alert')
        .waitFor()
        .then(() => 'refused'),
    ])
    if (outcome === 'started') return
    const text = (await panel.getByRole('alert').textContent()) ?? ''
    if (!/Nobody is on the stage/.test(text) || Date.now() > until)
      throw new Error(`recording refused: ${text}`)
    await host.waitForTimeout(500)
  }
}

describe('recording the stage', () => {
  it('the host records; the room and projector say so; the recording plays and can be deleted', {
    timeout: 240_000,
  }, async () => {
    const { context, host, code, sessionId } = await createHostSession(
      browser,
      server.url,
      'Recorded keynote',
      STAGE_DESKTOP,
    )
    await goLive(host)
    await goOnStage(host)
    const attendeeContext = await browser.newContext({
      baseURL: server.url,
      viewport: { width: 420, height: 800 },
    })
    const attendee = await joinRoom(attendeeContext, code, 'Ada')
    const projector = await context.newPage()
    await projector.goto(`/s/${sessionId}/present`)
    await projector.locator('.projector-code').waitFor()
    await expect(attendee.getByTestId('recording-badge').count()).resolves.toBe(0)

    await record(host)
    // Everyone is told: the attendee's header and the projector show the indicator.
    await attendee.getByTestId('recording-badge').waitFor()
    await expect(attendee.getByTestId('recording-badge').textContent()).resolves.toMatch(
      /Recording/,
    )
    await projector.getByTestId('recording-badge').waitFor()
    await host.locator('section.recordings [data-status="recording"]').waitFor()
    await shot(attendee, 'recording-attendee')
    await shot(projector, 'recording-projector')
    await host.locator('section.recordings').scrollIntoViewIfNeeded()
    await shot(host, 'recording-host-on')

    await host.waitForTimeout(5000)
    await host.locator('section.recordings').getByRole('button', { name: 'Stop recording' }).click()
    await attendee.getByTestId('recording-badge').waitFor({ state: 'detached' })
    await projector.getByTestId('recording-badge').waitFor({ state: 'detached' })

    // Janus's files become one WebM; the list shows it ready with its length and size.
    const row = host.locator('section.recordings [data-testid="recording-row"]')
    await row.and(host.locator('[data-status="ready"]')).waitFor({ timeout: 90_000 })
    await expect(row.locator('.recording-facts').textContent()).resolves.toMatch(
      /Ready\s*0:0[3-9].*kB|Ready\s*0:0[3-9].*MB/,
    )
    await expect(
      row.getByRole('link', { name: 'Download' }).getAttribute('download'),
    ).resolves.toBe('')

    if (SHOTS) {
      const href = (await row.getByRole('link', { name: 'Download' }).getAttribute('href')) ?? ''
      writeFileSync(`${SHOTS}/recording.webm`, Buffer.from(await (await fetch(href)).arrayBuffer()))
    }

    // It plays: the player's time goes on.
    await row.getByRole('button', { name: 'Play' }).click()
    const video = row.locator('video')
    await video.waitFor()
    await host
      .waitForFunction(
        () => {
          const v = document.querySelector<HTMLVideoElement>('section.recordings video')
          if (!v || v.currentTime <= 1 || v.videoWidth === 0) return false
          // A real picture: Chromium's fake camera is green, never black.
          const canvas = document.createElement('canvas')
          canvas.width = 32
          canvas.height = 18
          const context = canvas.getContext('2d')
          context?.drawImage(v, 0, 0, 32, 18)
          const [, green] = context?.getImageData(16, 9, 1, 1).data ?? []
          return (green ?? 0) > 80
        },
        undefined,
        { timeout: 30_000 },
      )
      .catch(async (error: unknown) => {
        const state = await host.evaluate(() => {
          const v = document.querySelector<HTMLVideoElement>('section.recordings video')
          return (
            v && {
              src: v.src,
              time: v.currentTime,
              ready: v.readyState,
              network: v.networkState,
              error: v.error?.message,
              code: v.error?.code,
              paused: v.paused,
              w: v.videoWidth,
              d: v.duration,
            }
          )
        })
        throw new Error(`the recording did not play: ${JSON.stringify(state)}`, { cause: error })
      })
    await host.locator('section.recordings').scrollIntoViewIfNeeded()
    await shot(host, 'recording-host-ready')

    // Deleting asks first, then takes it off the list.
    await row.getByRole('button', { name: 'Delete…' }).click()
    await row.getByRole('button', { name: 'Delete', exact: true }).click()
    await host.locator('section.recordings').getByText('No recordings yet.').waitFor()
    await attendeeContext.close()
    await context.close()
  })
})
