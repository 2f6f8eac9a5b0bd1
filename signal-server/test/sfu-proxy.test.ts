import { CloseCode, WITHDRAWN_CHANNEL } from '@podium/shared'
import { Redis } from 'ioredis'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Janus, startJanus } from '../../test-support/janus.ts'
import { publishFromPage, stopPublishing } from '../../test-support/sfu-browser.ts'
import { launchVideoBrowser } from '../../test-support/video.ts'
import { publisherOffer, SfuSocket, viewerAnswer } from './helpers/sfu-client.ts'
import { accessToken, startSignal, type TestSignal } from './helpers/signal.ts'

// The SFU proxy in front of a real Janus (VideoRoom): who may publish, who may subscribe
// to what, and what happens to bad input. Janus negotiates the hand-written session
// descriptions for real. Janus offers a feed only once its media flows, so publishers
// are Chromium pages with a fake camera; viewers are hand-written and receive nothing.
const REDIS_URL = process.env.PODIUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const SID = 'sfuSess001'
const OTHER_SID = 'sfuSess002'

let janus: Janus
let signal: TestSignal
let redis: Redis
let browser: Browser
const sockets: SfuSocket[] = []

const open = (token: string | null) => {
  const socket = SfuSocket.connect(signal.url, token)
  sockets.push(socket)
  return socket
}

beforeAll(async () => {
  ;[janus, browser] = await Promise.all([startJanus(), launchVideoBrowser()])
  signal = await startSignal(
    { JANUS_URL: janus.url, JANUS_API_SECRET: janus.apiSecret, REDIS_URL },
    { recheckMs: 10 * 60_000 },
  )
  redis = new Redis(REDIS_URL)
})
afterAll(async () => {
  for (const socket of sockets) socket.close()
  redis?.disconnect()
  await browser?.close()
  await signal?.close()
  await janus?.stop()
})

/** A publisher in Chromium whose camera is live on the SFU. */
async function publishing(userId: string, role: 'host' | 'presenter' = 'host', sid = SID) {
  const token = await signal.token({ sub: userId, sid, role, name: userId })
  const page: Page = await browser.newPage()
  await publishFromPage(page, signal.url, token)
  return {
    token,
    page,
    stop: async () => {
      await stopPublishing(page)
      await page.close()
    },
  }
}

/** A viewer's socket, once the feed of `publisher` is announced to it. */
async function viewer(userId: string, sid = SID, publisher?: string) {
  const token = await signal.token({ sub: userId, sid, role: 'attendee', name: userId })
  const socket = open(token)
  await socket.next(
    'feeds',
    (m) => !publisher || (m.feeds ?? []).some((f) => f.userId === publisher),
    15_000,
  )
  return { socket, token }
}

describe('the SFU proxy in front of Janus', () => {
  it('a host publishes a simulcast camera; a viewer of the session subscribes, answers and picks a layer', async () => {
    const host = await publishing('sfuHost001')
    const { socket } = await viewer('sfuView001', SID, 'sfuHost001')
    socket.send({ type: 'subscribe', sessionId: SID, userId: 'sfuHost001', feed: 'camera' })
    const offer = await socket.next('offer')
    expect(offer).toMatchObject({ userId: 'sfuHost001', feed: 'camera' })
    expect(offer.sdp).toMatch(/m=video/)
    socket.send({
      type: 'answer',
      subscription: offer.subscription,
      sdp: viewerAnswer(offer.sdp ?? ''),
    })
    await socket.next('started', (m) => m.subscription === offer.subscription)
    socket.send({ type: 'substream', subscription: offer.subscription, substream: 0 })
    await expect(socket.next('substream')).resolves.toMatchObject({ substream: 0 })

    // The host's page closes: the viewer's subscription ends and the feed list empties.
    await host.stop()
    await socket.next('ended', (m) => m.subscription === offer.subscription, 10_000)
    await socket.next('feeds', (m) => (m.feeds ?? []).length === 0)
  })

  it('refuses forged and missing tokens before anything reaches Janus', async () => {
    const forged = await accessToken(
      { sub: 'sfuHost001', sid: SID, role: 'host' },
      { secret: 'another-secret-another-secret-another-1' },
    )
    const socket = open(forged)
    await expect(socket.next('error')).resolves.toMatchObject({ code: 'token-invalid' })
    expect(await socket.closed).toEqual({ code: CloseCode.unauthorized, reason: 'token-invalid' })
    expect(await open(null).closed).toEqual({
      code: CloseCode.unauthorized,
      reason: 'token-missing',
    })
  })

  it('refuses a viewer who tries to publish, or to send media in an answer', async () => {
    const host = await publishing('sfuHost002')
    const { socket } = await viewer('sfuView002', SID, 'sfuHost002')
    socket.send({ type: 'publish', feed: 'camera', sdp: publisherOffer() })
    await expect(socket.next('error')).resolves.toMatchObject({
      code: 'publish-forbidden',
      message: expect.stringMatching(/Only the host and presenters may publish/),
    })
    socket.send({ type: 'subscribe', sessionId: SID, userId: 'sfuHost002', feed: 'camera' })
    const offer = await socket.next('offer')
    socket.send({
      type: 'answer',
      subscription: offer.subscription,
      sdp: viewerAnswer(offer.sdp ?? '', 'sendrecv'),
    })
    await expect(socket.next('error')).resolves.toMatchObject({ code: 'publish-forbidden' })
    await host.stop()
  })

  it('keeps each viewer to its own session and its own subscriptions', async () => {
    const host = await publishing('sfuHost003', 'presenter', OTHER_SID)
    const { socket } = await viewer('sfuView003')
    // Naming the other session's feed is refused; so is using a subscription of someone else.
    socket.send({ type: 'subscribe', sessionId: OTHER_SID, userId: 'sfuHost003', feed: 'camera' })
    await expect(socket.next('error')).resolves.toMatchObject({ code: 'other-session' })
    const other = await viewer('sfuView004', OTHER_SID, 'sfuHost003')
    other.socket.send({
      type: 'subscribe',
      sessionId: OTHER_SID,
      userId: 'sfuHost003',
      feed: 'camera',
    })
    const theirs = await other.socket.next('offer')
    socket.send({
      type: 'answer',
      subscription: theirs.subscription,
      sdp: viewerAnswer(theirs.sdp ?? ''),
    })
    await expect(socket.next('error')).resolves.toMatchObject({ code: 'not-yours' })
    socket.send({ type: 'substream', subscription: theirs.subscription, substream: 2 })
    await expect(socket.next('error')).resolves.toMatchObject({ code: 'not-yours' })
    socket.send({ type: 'candidate', target: theirs.subscription, candidate: null })
    await expect(socket.next('error')).resolves.toMatchObject({ code: 'not-yours' })
    socket.send({ type: 'candidate', target: 'publish:camera', candidate: null })
    await expect(socket.next('error')).resolves.toMatchObject({ code: 'not-yours' })
    // The same user id in the viewer's own session publishes nothing.
    socket.send({ type: 'subscribe', sessionId: SID, userId: 'sfuHost003', feed: 'camera' })
    await expect(socket.next('error')).resolves.toMatchObject({ code: 'no-such-feed' })
    await host.stop()
  })

  it('refuses malformed session descriptions and frames with readable errors', async () => {
    const token = await signal.token({ sub: 'sfuHost004', sid: SID, role: 'host' })
    const socket = open(token)
    await socket.next('feeds')
    const bad: [string, RegExp][] = [
      ['hello', /starts with "v=0"/],
      ['v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nthis is not sdp\r\n', /Line 4 .* not an SDP line/],
      ['v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n', /no audio or video section/],
      [publisherOffer().replace(/a=fingerprint.*\r\n/g, ''), /no DTLS fingerprint/],
      [publisherOffer('recvonly'), /sends audio or video/],
    ]
    for (const [sdp, reason] of bad) {
      socket.send({ type: 'publish', feed: 'camera', sdp })
      await expect(socket.next('error')).resolves.toMatchObject({
        code: 'bad-sdp',
        message: expect.stringMatching(reason),
      })
    }
    for (const frame of [
      'not json',
      '{"type":"launch"}',
      '{"type":"substream","subscription":"s1","substream":7}',
    ]) {
      socket.send(frame)
      await expect(socket.next('error')).resolves.toMatchObject({
        code: 'bad-frame',
        message: 'That was not an SFU signalling message.',
      })
    }
    // Still usable after all that: a well-formed offer is answered by Janus.
    socket.send({ type: 'publish', feed: 'camera', sdp: publisherOffer() })
    const published = await socket.next('published')
    expect(published.sdp).toMatch(/a=simulcast:recv l;m;h/)
    socket.close()
  })

  it('limits a flood of subscribe requests', async () => {
    const host = await publishing('sfuHost005')
    const { socket } = await viewer('sfuView005', SID, 'sfuHost005')
    for (let i = 0; i < 30; i++)
      socket.send({ type: 'subscribe', sessionId: SID, userId: 'sfuHost005', feed: 'camera' })
    await expect(socket.next('error', (m) => m.code === 'rate-limited')).resolves.toMatchObject({
      message: expect.stringMatching(/Too many subscribe requests/),
    })
    // The burst got through; the rest of the thirty did not.
    await socket.next('offer', () => true, 10_000)
    const refused = socket.messages.filter((m) => m.code === 'rate-limited').length + 1
    expect(refused).toBeGreaterThanOrEqual(15)
    await host.stop()
  })

  it("a withdrawn role closes the socket, and with it the publisher's feed for every viewer", async () => {
    const presenter = await publishing('sfuPres006', 'presenter')
    const { socket } = await viewer('sfuView006', SID, 'sfuPres006')
    socket.send({ type: 'subscribe', sessionId: SID, userId: 'sfuPres006', feed: 'camera' })
    const offer = await socket.next('offer')
    await signal.db.kysely
      .updateTable('users')
      .set({ role: 'attendee' })
      .where('id', '=', 'sfuPres006')
      .execute()
    await redis.publish(WITHDRAWN_CHANNEL, 'sfuPres006')
    await socket.next('ended', (m) => m.subscription === offer.subscription)
    await socket.next('feeds', (m) => !(m.feeds ?? []).some((f) => f.userId === 'sfuPres006'))
    // In the page, the socket was closed as revoked.
    await expect
      .poll(() =>
        presenter.page.evaluate(
          () => (window as unknown as { __sfu: { ws: WebSocket } }).__sfu.ws.readyState,
        ),
      )
      .toBe(3)
    // Connecting again with the withdrawn token is refused.
    const again = open(presenter.token)
    expect((await again.closed).reason).toBe('access-revoked')
    await presenter.page.close()
  })
})
