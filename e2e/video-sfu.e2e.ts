import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHostSession, waitStaffOnline } from '../test-support/host.ts'
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
  waitForPlaying,
} from '../test-support/video.ts'

// Past the mesh cap through a real Janus: one Chromium, a page per viewer (light on two
// cores), the presenter's camera going out once with three simulcast layers.
const VIEWERS = 12

let janus: Janus
let server: TestPodium
let browser: Browser

beforeAll(async () => {
  janus = await startJanus()
  ;[server, browser] = await Promise.all([
    startServer({ JANUS_URL: janus.url, JANUS_API_SECRET: janus.apiSecret }, { signaling: true }),
    launchVideoBrowser({ manyPages: true }),
  ])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await janus?.stop()
})

const pathOf = (page: Page) => feedTile(page).getAttribute('data-path')

/** An attendee's page opening the SFU proxy itself, to try what the stage never does. */
function tryOnSfu(page: Page, token: string | null, send: object | null) {
  return page.evaluate(
    ({ token, send }) =>
      new Promise<{ code: number; errors: string[] }>((resolve) => {
        const identity = Object.keys(localStorage).find((k) => k.startsWith('podium:identity:'))
        const own = JSON.parse(localStorage.getItem(identity ?? '') ?? '{}') as { token?: string }
        const ws = new WebSocket(
          `${location.origin.replace(/^http/, 'ws')}/sfu?token=${encodeURIComponent(token ?? own.token ?? '')}`,
        )
        const errors: string[] = []
        ws.onmessage = (event) => {
          const message = JSON.parse(event.data as string) as { type: string; message?: string }
          if (message.type === 'feeds' && send) ws.send(JSON.stringify(send))
          if (message.type === 'error') {
            errors.push(message.message ?? '')
            if (send) ws.close()
          }
        }
        ws.onclose = (event) => resolve({ code: event.code, errors })
      }),
    { token, send },
  )
}

describe('the stage through the SFU (Janus) past the mesh cap', () => {
  it(`a presenter publishes once; ${VIEWERS} viewers see the camera, those past the cap through the SFU`, {
    timeout: 540_000,
  }, async () => {
    const {
      context: hostContext,
      host,
      code,
      sessionId,
    } = await createHostSession(browser, server.url, 'Keynote', STAGE_DESKTOP)
    await goLive(host)
    await goOnStage(host)
    const t0 = Date.now()

    // Joined a few at a time: twelve pages decoding video load two cores heavily.
    const viewers: Page[] = []
    for (let i = 0; i < VIEWERS; i += 4) {
      const batch = Array.from({ length: Math.min(4, VIEWERS - i) }, async (_, j) => {
        const context = await browser.newContext({
          baseURL: server.url,
          viewport: { width: 480, height: 600 },
        })
        return joinRoom(context, code, `Viewer ${i + j + 1}`)
      })
      viewers.push(...(await Promise.all(batch)))
      console.info(`${viewers.length} viewers joined ${Date.now() - t0} ms after going on stage`)
    }
    for (const page of viewers) await waitForPlaying(page, 'camera', 90_000)
    console.info(`${VIEWERS} viewers playing ${Date.now() - t0} ms after going on stage`)
    const paths = await Promise.all(viewers.map(pathOf))
    const direct = paths.filter((p) => p === 'direct').length
    const throughSfu = paths.filter((p) => p === 'sfu').length
    console.info(`${VIEWERS} viewers: ${direct} direct, ${throughSfu} through the SFU`)
    // The presenter serves at most the mesh cap directly; everyone else watches through the SFU.
    // A call a viewer gave up on when the mesh filled (it went to the SFU) ends at the
    // presenter a moment later: the count settles on those watching directly.
    const watching = async () =>
      Number(
        /On stage · (\d+) watching/.exec(
          (await host.getByText(/^On stage ·/).textContent()) ?? '',
        )?.[1],
      )
    await expect.poll(watching, { timeout: 30_000 }).toBe(direct)
    expect(direct).toBeLessThanOrEqual(8)
    expect(throughSfu).toBe(VIEWERS - direct)
    expect(throughSfu).toBeGreaterThanOrEqual(VIEWERS - 8)
    const viaSfu = viewers.filter((_, i) => paths[i] === 'sfu')
    await expect(
      feedTile(viaSfu[0]!)
        .getByText(/via SFU · (low|medium|high)/)
        .count(),
    ).resolves.toBe(1)
    await viaSfu[0]!.screenshot({ path: 'test-results/screenshots/stage-through-sfu.png' })

    // A screen shared beside the camera reaches the viewers through the SFU there too (the
    // mesh's screen share is e2e/video-stage.e2e.ts's).
    await host.getByRole('button', { name: 'Share screen' }).click()
    await host.getByRole('button', { name: 'Stop sharing' }).waitFor()
    const outcomes = await Promise.all(
      viaSfu.map((page, i) =>
        waitForPlaying(page, 'screen', 60_000).then(
          () => null,
          async (error: Error) => {
            const path = await feedTile(page, 'screen')
              .getAttribute('data-path')
              .catch(() => null)
            return `viewer ${i} through the SFU, screen tile ${path}: ${error.message}`
          },
        ),
      ),
    )
    expect(outcomes.filter(Boolean)).toEqual([])
    for (const page of viaSfu)
      await expect(feedTile(page, 'screen').getAttribute('data-path')).resolves.toBe('sfu')
    await viaSfu[0]!.screenshot({ path: 'test-results/screenshots/screen-through-sfu.png' })
    await host.getByRole('button', { name: 'Stop sharing' }).click()
    for (const page of viaSfu)
      await expect.poll(() => feedTile(page, 'screen').count(), { timeout: 20_000 }).toBe(0)

    // The presenter's page closes: viewers through the SFU are told, and get it back on return.
    await host.close()
    for (const page of viaSfu)
      await feedTile(page)
        .getByText(/Presenter disconnected/)
        .waitFor({ timeout: 20_000 })
    const reopened = await hostContext.newPage()
    await reopened.goto(`/s/${sessionId}/host`)
    await waitStaffOnline(reopened)
    await reopened.getByText(/^On stage · \d+ watching/).waitFor({ timeout: 20_000 })
    for (const page of viaSfu) await waitForPlaying(page, 'camera', 40_000)

    // A forged token gets nothing; an attendee cannot publish; another session's feed is out of reach.
    const probe = viewers[0]!
    await expect(tryOnSfu(probe, 'forged.token.value', null)).resolves.toEqual({
      code: 4401,
      errors: ['Your session token is not valid; join the session again.'],
    })
    const publish = await tryOnSfu(probe, null, {
      type: 'publish',
      feed: 'camera',
      sdp: 'v=0\r\n',
    })
    expect(publish.errors[0]).toMatch(/Only the host and presenters may publish video/)
    const foreign = await tryOnSfu(probe, null, {
      type: 'subscribe',
      sessionId: 'another-session',
      userId: 'someone',
      feed: 'camera',
    })
    expect(foreign.errors[0]).toMatch(/Feeds of another session are out of reach/)
  })
})
