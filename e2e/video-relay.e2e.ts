import { turnCredential } from '@podium/signal-server'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Coturn, startCoturn } from '../test-support/coturn.ts'
import { createHostSession } from '../test-support/host.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { joinRoom } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import {
  armFirstFrame,
  forceRelay,
  goLive,
  goOnStage,
  launchVideoBrowser,
  newViewerContext,
  STAGE_DESKTOP,
  waitForPlaying,
} from '../test-support/video.ts'

const TURN_SECRET = 'e2e-turn-secret-e2e-turn-secret'

let coturn: Coturn
let server: TestPodium
let browser: Browser

beforeAll(async () => {
  coturn = await startCoturn(TURN_SECRET)
  ;[server, browser] = await Promise.all([
    startServer(
      { TURN_SECRET, TURN_URLS: coturn.urls[0]!, TURN_TTL_SECONDS: '300' },
      { signaling: true },
    ),
    launchVideoBrowser(),
  ])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await coturn?.stop()
})

/** The candidate types of the pairs the page's connected peer connections use. */
function selectedCandidateTypes(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs
    const types: string[] = []
    for (const pc of pcs) {
      if (pc.connectionState !== 'connected') continue
      const stats = [...(await pc.getStats()).values()] as Array<Record<string, unknown>>
      const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId)
      const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId)
      const local = stats.find((s) => s.id === pair?.localCandidateId)
      const remote = stats.find((s) => s.id === pair?.remoteCandidateId)
      types.push(`${local?.candidateType}/${remote?.candidateType}`)
    }
    return types
  })
}

/** Relay candidates a page gathers with these TURN credentials and relay-only policy. */
function relayCandidates(
  page: Page,
  server: { urls: string; username: string; credential: string },
) {
  return page.evaluate(async (iceServer) => {
    const pc = new RTCPeerConnection({ iceServers: [iceServer], iceTransportPolicy: 'relay' })
    const found: string[] = []
    const errors: number[] = []
    pc.addEventListener('icecandidate', (e) => {
      if (e.candidate?.type === 'relay') found.push(e.candidate.address ?? '')
    })
    pc.addEventListener('icecandidateerror', (e) =>
      errors.push((e as RTCPeerConnectionIceErrorEvent).errorCode),
    )
    pc.createDataChannel('probe')
    await pc.setLocalDescription(await pc.createOffer())
    await new Promise<void>((resolve) => {
      const done = () => pc.iceGatheringState === 'complete' && resolve()
      pc.addEventListener('icegatheringstatechange', done)
      setTimeout(resolve, 8000)
      done()
    })
    pc.close()
    return { relays: found.length, errors }
  }, server)
}

describe('video through a real coturn with TURN REST credentials', () => {
  it('relays with the credentials the API hands out, and not with expired or forged ones', async () => {
    const { host, code } = await createHostSession(
      browser,
      server.url,
      'Relay check',
      STAGE_DESKTOP,
    )
    await goLive(host)
    const page = await joinRoom(await newViewerContext(browser, server.url), code, 'Ada')
    const token = await page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('podium:identity:')) ?? ''
      return (JSON.parse(localStorage.getItem(key) ?? '{}') as { token: string }).token
    })
    const response = await fetch(`${server.url}/api/ice-servers`, {
      headers: { authorization: `Bearer ${token}` },
    })
    const { iceServers } = (await response.json()) as {
      iceServers: Array<{ urls: string[]; username: string; credential: string }>
    }
    const turn = iceServers.find((s) => s.urls.some((u) => u.startsWith('turn:')))!
    const urls = turn.urls[0]!
    const fresh = await relayCandidates(page, {
      urls,
      username: turn.username,
      credential: turn.credential,
    })
    expect(fresh.relays).toBeGreaterThan(0)

    const user = turn.username.split(':')[1]!
    const expired = turnCredential(TURN_SECRET, user, 60, Date.now() - 3_600_000)
    const forged = {
      username: turn.username,
      credential: Buffer.from('not the right hmac!!').toString('base64'),
    }
    for (const credential of [expired, forged]) {
      const result = await relayCandidates(page, {
        urls,
        username: credential.username,
        credential: credential.credential,
      })
      expect(result.relays).toBe(0)
      expect(result.errors).toContain(401)
    }
    await host.close()
  })

  it('a forced-relay stage: the attendee receives the host through coturn', async () => {
    const {
      context: hostContext,
      host,
      code,
    } = await createHostSession(browser, server.url, 'Relay stage', STAGE_DESKTOP)
    await goLive(host)
    await forceRelay(hostContext)
    await host.reload()
    const viewerContext = await newViewerContext(browser, server.url)
    await forceRelay(viewerContext)
    const ada = await joinRoom(viewerContext, code, 'Ada')
    const firstFrame = await armFirstFrame(ada)
    const clickedAt = await goOnStage(host)
    await waitForPlaying(ada)
    console.info(
      `go on stage → first decoded frame (TURN relay): ${(await firstFrame()) - clickedAt} ms`,
    )
    const types = await selectedCandidateTypes(ada)
    expect(types.length).toBeGreaterThan(0)
    // Both ends relayed: the only relay there is is the test's coturn.
    for (const pair of types) expect(pair).toBe('relay/relay')
  })
})
