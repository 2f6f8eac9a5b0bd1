import { signalingOptions } from '@podium/sync-server'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession, join } from '../test-support/api.ts'
import { type Coturn, startCoturn } from '../test-support/coturn.ts'
import { type Janus, startJanus } from '../test-support/janus.ts'
import { request, startPodium, type TestPodium } from '../test-support/podium.ts'
import { publishFromPage } from '../test-support/sfu-browser.ts'
import {
  hangUpStageViewer,
  type StageViewerState,
  stageViewerConnection,
  stageViewerState,
  stageViewerUntil,
  watchLikeTheStage,
} from '../test-support/sfu-viewer.ts'
import { forceRelay, launchVideoBrowser } from '../test-support/video.ts'

// The stage's own SFU viewer (SfuLink, SfuWatcher and IceServers from client/src, bundled
// for the page) against real Janus, coturn and Podium: a viewer whose connections may only
// relay through TURN, a viewer whose subscription Janus hangs up while the feed is still
// published, and the layer the tile names. The presenter is a Chromium page sending three
// layers of a 960×540 camera.
const TURN_SECRET = 'sfu-viewer-turn-secret-000000'
const FULL = 960

let janus: Janus
let coturn: Coturn
let podium: TestPodium
let browser: Browser

beforeAll(async () => {
  ;[janus, coturn, browser] = await Promise.all([
    startJanus(),
    startCoturn(TURN_SECRET),
    launchVideoBrowser({ manyPages: true }),
  ])
  podium = await startPodium(
    {
      JANUS_URL: janus.url,
      JANUS_API_SECRET: janus.apiSecret,
      TURN_SECRET,
      TURN_URLS: coturn.urls[0]!,
      TURN_TTL_SECONDS: '600',
    },
    signalingOptions(),
  )
})
afterAll(async () => {
  await browser?.close()
  await podium?.close()
  await coturn?.stop()
  await janus?.stop()
})

/** Live, the picture full width, and frames still coming a second later. */
async function playing(page: Page, timeoutMs = 45_000): Promise<StageViewerState> {
  const first = await stageViewerUntil(
    page,
    (s) => s.state === 'live' && s.width === FULL,
    timeoutMs,
  )
  await page.waitForTimeout(1000)
  const later = await stageViewerState(page)
  expect({ state: later.state, width: later.width, more: later.frames > first.frames }).toEqual({
    state: 'live',
    width: FULL,
    more: true,
  })
  return later
}

/** A live session with its host publishing the camera on the SFU. */
async function stage(title: string) {
  const session = await createSession(podium.url, { title })
  const live = await request(`${podium.url}/api/sessions/${session.id}/status`, {
    token: session.hostToken,
    body: { status: 'live' },
  })
  expect(live.status).toBe(200)
  const presenter = await browser.newPage()
  await publishFromPage(presenter, podium.url, session.hostToken, {
    size: { width: FULL, height: 540 },
  })
  return { session, target: { sessionId: session.id, userId: session.hostUserId } }
}

describe('the stage viewer through the SFU', () => {
  it('a viewer that may only relay through TURN receives the presenter through coturn and Janus', {
    timeout: 120_000,
  }, async () => {
    const { session, target } = await stage('Relayed SFU')
    const viewer = await join(podium.url, session.code, 'Behind a firewall')
    const context = await browser.newContext()
    await forceRelay(context)
    const page = await context.newPage()
    await watchLikeTheStage(page, podium.url, viewer.token, target)
    const shown = await playing(page).catch(async (error: Error) => {
      const connection = await stageViewerConnection(page)
      throw new Error(
        `${error.message}\nconnection: ${JSON.stringify(connection)}\ncoturn:\n${coturn.output().slice(-3000)}\njanus:\n${janus.output().slice(-3000)}`,
      )
    })
    const connection = await stageViewerConnection(page)
    console.info(JSON.stringify({ relayed: connection, frames: shown.frames }))
    // The viewer's end is coturn's relay; Janus's is its own host candidate.
    expect(connection).toMatchObject({ state: 'connected', local: 'relay' })
    await context.close()
  })

  it('subscribes again by itself when Janus hangs up its subscription, and names the layer Janus forwards', {
    timeout: 150_000,
  }, async () => {
    const { session, target } = await stage('SFU hang-up')
    const viewer = await join(podium.url, session.code, 'Hung up on')
    const context = await browser.newContext()
    const page = await context.newPage()
    await watchLikeTheStage(page, podium.url, viewer.token, target)
    const before = await playing(page)
    // Janus reported forwarding the top layer, the one asked for.
    expect(before.layer).toEqual({ wanted: 2, forwarded: 2 })
    expect(before.forwarded).toContain(2)
    expect((await stageViewerConnection(page)).count).toBe(1)

    const hungUpAt = Date.now()
    await hangUpStageViewer(page)
    // The feed is still published: the watcher says reconnecting, not disconnected, and
    // subscribes again on a new connection without the feed list changing.
    const back = await stageViewerUntil(
      page,
      (s) =>
        s.states.includes('reconnecting') &&
        s.states.lastIndexOf('live') > s.states.indexOf('reconnecting') &&
        s.width === FULL,
      30_000,
    )
    const connection = await stageViewerConnection(page)
    console.info(
      JSON.stringify({ states: back.states, backInMs: Date.now() - hungUpAt, connection }),
    )
    expect(back.states).toContain('reconnecting')
    expect(back.states.slice(back.states.indexOf('reconnecting'))).toContain('live')
    expect(connection).toMatchObject({ count: 2, state: 'connected' })
    const after = await playing(page)
    expect(after.layer).toEqual({ wanted: 2, forwarded: 2 })
    await context.close()
  })
})
