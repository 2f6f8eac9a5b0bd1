import { signalingOptions } from '@podium/sync-server'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession, join } from '../test-support/api.ts'
import { type Janus, startJanus } from '../test-support/janus.ts'
import { request, startPodium, type TestPodium } from '../test-support/podium.ts'
import { decodedWidth, publishFromPage, watchFromPage } from '../test-support/sfu-browser.ts'
import {
  constrainLink,
  type StageViewerState,
  stageViewerState,
  stageViewerUntil,
  watchLikeTheStage,
} from '../test-support/sfu-viewer.ts'
import { launchVideoBrowser } from '../test-support/video.ts'

// A viewer on a thin link gets a lower simulcast layer; one on a good link keeps the top.
// Real parts: Janus, Podium (API, /sfu proxy), Chromium. The presenter sends three layers
// of a 960×540 camera (240, 480 and 960 px wide, up to 150, 500 and 1200 kbit/s). The
// thin viewer runs the stage's own SfuWatcher and starts on the top layer; its page's
// network is capped at 25 kB/s (200 kbit/s) each way, which Chromium enforces on the
// WebRTC traffic of sockets opened after it. Nothing tells the watcher about the cap: it sees it in getStats().
// The wide viewer stays on the top layer it asked for (it does not adapt: on a shared
// 2-core machine a starved renderer's jitter would step it down too), and must keep
// receiving it whatever the thin viewer does.
const CAP_BYTES_PER_SECOND = 25_000
const FULL = 960

let janus: Janus
let podium: TestPodium
let browser: Browser

beforeAll(async () => {
  ;[janus, browser] = await Promise.all([startJanus(), launchVideoBrowser({ manyPages: true })])
  podium = await startPodium(
    { JANUS_URL: janus.url, JANUS_API_SECRET: janus.apiSecret },
    signalingOptions(),
  )
})
afterAll(async () => {
  await browser?.close()
  await podium?.close()
  await janus?.stop()
})

describe('the SFU on a constrained link', () => {
  it('the viewer on a thin link steps down to the lowest layer; the other keeps the top one', {
    timeout: 240_000,
  }, async () => {
    const session = await createSession(podium.url, { title: 'Layers' })
    const live = await request(`${podium.url}/api/sessions/${session.id}/status`, {
      token: session.hostToken,
      body: { status: 'live' },
    })
    expect(live.status).toBe(200)
    const presenter = await browser.newPage()
    await publishFromPage(presenter, podium.url, session.hostToken, {
      size: { width: FULL, height: 540 },
    })

    const target = { sessionId: session.id, userId: session.hostUserId }
    const [wide, thin] = await Promise.all([
      join(podium.url, session.code, 'Wide link'),
      join(podium.url, session.code, 'Thin link'),
    ])
    const widePage = await (await browser.newContext()).newPage()
    const thinPage = await (await browser.newContext()).newPage()
    await constrainLink(thinPage, CAP_BYTES_PER_SECOND)
    await watchFromPage(widePage, podium.url, wide.token, target)
    await watchLikeTheStage(thinPage, podium.url, thin.token, target)

    // The wide viewer gets the full picture (Chromium brings the top layer up once its
    // bandwidth estimate allows, some seconds in on a busy machine).
    const wideWidths: number[] = []
    for (let end = Date.now() + 45_000; Date.now() < end; ) {
      wideWidths.push(await decodedWidth(widePage))
      if (wideWidths.at(-1) === FULL) break
      await widePage.waitForTimeout(250)
    }
    expect(wideWidths.at(-1)).toBe(FULL)

    // The thin one starts on the top layer too, sees poor samples, steps down and decodes
    // the quarter-size layer.
    const thinDown = await stageViewerUntil(thinPage, (s) => s.width === FULL / 4, 60_000)
    expect(thinDown).toMatchObject({ width: FULL / 4, state: 'live' })
    expect(thinDown.substreams[0]).toBe(2)
    expect(thinDown.substreams.at(-1)).toBe(0)
    expect(thinDown.samples.map((s) => s.level)).toContain('poor')

    // Over the next 8 s the thin viewer stays below the top layer; the wide one keeps it.
    const widths = { wide: [] as number[], thin: [] as number[] }
    for (let i = 0; i < 16; i++) {
      await thinPage.waitForTimeout(500)
      widths.wide.push(await decodedWidth(widePage))
      widths.thin.push((await stageViewerState(thinPage)).width)
    }
    expect(Math.max(...widths.thin)).toBeLessThan(FULL)
    expect(widths.wide).toEqual(widths.wide.map(() => FULL))

    // What the thin link showed.
    const thinAfter = await stageViewerState(thinPage)
    const worst = (samples: StageViewerState['samples'], field: 'rttMs' | 'lossPct' | 'jitterMs') =>
      Math.max(0, ...samples.map((s) => s[field] ?? 0))
    console.log(
      JSON.stringify({
        thin: {
          substreams: thinAfter.substreams,
          widths: widths.thin,
          poor: thinAfter.samples.filter((s) => s.level === 'poor').length,
          samples: thinAfter.samples.length,
          worstRttMs: worst(thinAfter.samples, 'rttMs'),
          worstLossPct: worst(thinAfter.samples, 'lossPct'),
          worstJitterMs: worst(thinAfter.samples, 'jitterMs'),
        },
        wide: { widths: widths.wide },
      }),
    )
  })
})
