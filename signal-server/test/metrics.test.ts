import { CloseCode, stagePeerId } from '@podium/shared'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { signalingOptions } from '../../sync-server/src/signaling/mount.ts'
import { createSession } from '../../test-support/api.ts'
import { request, startPodium } from '../../test-support/podium.ts'
import { PeerSocket } from './helpers/peer-client.ts'
import { startSignal, type TestSignal, TURN_SECRET } from './helpers/signal.ts'
import { SignalClient } from './helpers/signal-client.ts'

const SID = 'sessM00001'
const ROOM = `podium-${SID}.AbCdEf0123456789`
const METRICS_TOKEN = 'scrape-me-scrape-me-0123456789'

/** One sample's value from Prometheus text: `name{labels} value`, or 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`)
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{([^}]*)\})? (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const given = match[2]?.split(',') ?? []
    if (wanted.length === given.length && wanted.every((l) => given.includes(l)))
      return Number(match[3])
  }
  return 0
}

/** Scrapes until `check` holds (sockets close asynchronously), or fails with the last text. */
async function until(url: string, check: (text: string) => boolean): Promise<string> {
  const deadline = Date.now() + 3000
  for (;;) {
    const { body } = await request<string>(url)
    if (check(body)) return body
    if (Date.now() > deadline) throw new Error(`/metrics never matched:\n${body}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('signal-server /metrics', () => {
  let signal: TestSignal
  let metrics: string
  beforeAll(async () => {
    signal = await startSignal({ TURN_SECRET, TURN_URLS: 'turn:127.0.0.1:3478' })
    metrics = `${signal.url}/metrics`
  })
  afterAll(async () => {
    await signal.close()
  })

  it('answers Prometheus text with the process defaults and the signaling metrics', async () => {
    const scraped = await request<string>(metrics)
    expect(scraped.status).toBe(200)
    expect(scraped.headers.get('content-type')).toContain('text/plain')
    expect(scraped.body).toContain('podium_process_cpu_user_seconds_total')
    for (const name of [
      'podium_signal_peer_sockets',
      'podium_signal_ywebrtc_sockets',
      'podium_signal_ywebrtc_rooms',
    ])
      expect(scraped.body).toContain(`${name} 0`)
  })

  it('counts open PeerJS sockets, up when one opens and down when it closes', async () => {
    const token = await signal.token({ sub: 'hostM00001', sid: SID, role: 'host' })
    const host = PeerSocket.connect(signal.url, stagePeerId(SID, 'hostM00001'), token)
    await host.next('OPEN')
    expect(sample((await request<string>(metrics)).body, 'podium_signal_peer_sockets')).toBe(1)
    const impostor = PeerSocket.connect(signal.url, stagePeerId(SID, 'someoneM01'), token)
    expect((await impostor.closed).reason).toBe('peer-id-not-yours')
    const refused = { endpoint: 'peerjs', reason: 'peer-id-not-yours' }
    expect(
      sample((await request<string>(metrics)).body, 'podium_signal_refused_total', refused),
    ).toBe(1)
    host.close()
    await until(metrics, (text) => sample(text, 'podium_signal_peer_sockets') === 0)
  })

  it('counts y-webrtc sockets, rooms, relayed messages and refusals', async () => {
    const mod = SignalClient.connect(
      signal.url,
      await signal.token({ sub: 'modM000001', sid: SID, role: 'moderator' }),
    )
    const host = SignalClient.connect(
      signal.url,
      await signal.token({ sub: 'hostM00002', sid: SID, role: 'host' }),
    )
    await Promise.all([mod.opened, host.opened])
    await Promise.all([mod.subscribe(`${ROOM}:mod`), host.subscribe(`${ROOM}:mod`)])
    await host.subscribe(`${ROOM}:public`)
    let text = (await request<string>(metrics)).body
    expect(sample(text, 'podium_signal_ywebrtc_sockets')).toBe(2)
    expect(sample(text, 'podium_signal_ywebrtc_rooms')).toBe(2)

    host.send({ type: 'publish', topic: `${ROOM}:mod`, data: 'hello' })
    await mod.waitFor(2)
    text = (await request<string>(metrics)).body
    expect(sample(text, 'podium_signal_relayed_total', { endpoint: 'ywebrtc' })).toBe(1)

    const attendee = SignalClient.connect(
      signal.url,
      await signal.token({ sub: 'attM000001', sid: SID, role: 'attendee' }),
    )
    expect(await attendee.closed).toEqual({ code: CloseCode.forbidden, reason: 'staff-only' })
    text = (await request<string>(metrics)).body
    expect(
      sample(text, 'podium_signal_refused_total', { endpoint: 'ywebrtc', reason: 'staff-only' }),
    ).toBe(1)

    host.ws.close()
    text = await until(metrics, (t) => sample(t, 'podium_signal_ywebrtc_sockets') === 1)
    expect(sample(text, 'podium_signal_ywebrtc_rooms')).toBe(1)
    mod.ws.close()
    await until(metrics, (t) => sample(t, 'podium_signal_ywebrtc_rooms') === 0)
  })

  it('counts the TURN credentials it hands out', async () => {
    const token = await signal.token({ sub: 'attM000002', sid: SID, role: 'attendee' })
    const before = sample(
      (await request<string>(metrics)).body,
      'podium_signal_ice_servers_total',
      {
        result: 'turn',
      },
    )
    for (let i = 0; i < 2; i++)
      expect((await request(`${signal.url}/api/ice-servers`, { token })).status).toBe(200)
    const after = sample((await request<string>(metrics)).body, 'podium_signal_ice_servers_total', {
      result: 'turn',
    })
    expect(after - before).toBe(2)
  })
})

describe('who may scrape signal-server /metrics', () => {
  const started: TestSignal[] = []
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()))
  })
  async function start(env: Record<string, string>): Promise<string> {
    const signal = await startSignal(env)
    started.push(signal)
    return `${signal.url}/metrics`
  }

  it('refuses a request from elsewhere without METRICS_TOKEN, saying what to do', async () => {
    const metrics = await start({ TRUST_PROXY: 'true' })
    const remote = await request<{ detail: string }>(metrics, {
      headers: { 'x-forwarded-for': '203.0.113.7' },
    })
    expect(remote.status).toBe(403)
    expect(remote.headers.get('content-type')).toContain('application/problem+json')
    expect(remote.body.detail).toContain('METRICS_TOKEN')
    const local = await request(metrics, { headers: { 'x-forwarded-for': '127.0.0.1' } })
    expect(local.status).toBe(200)
  })

  it('with METRICS_TOKEN, answers only its Bearer, from anywhere', async () => {
    const metrics = await start({ METRICS_TOKEN, TRUST_PROXY: 'true' })
    expect((await request(metrics)).status).toBe(401)
    expect((await request(metrics, { token: 'wrong-token-wrong-token-000000' })).status).toBe(401)
    const scraped = await request<string>(metrics, {
      token: METRICS_TOKEN,
      headers: { 'x-forwarded-for': '203.0.113.7' },
    })
    expect(scraped.status).toBe(200)
    expect(scraped.body).toContain('podium_signal_peer_sockets')
  })
})

describe('signaling mounted in the sync-server (npm start)', () => {
  it("shows its metrics on the sync-server's /metrics", async () => {
    const podium = await startPodium({}, signalingOptions())
    try {
      const session = await createSession(podium.url)
      const host = PeerSocket.connect(
        podium.url,
        stagePeerId(session.id, session.hostUserId),
        session.hostToken,
      )
      await host.next('OPEN')
      const text = (await request<string>(`${podium.url}/metrics`)).body
      expect(sample(text, 'podium_signal_peer_sockets')).toBe(1)
      expect(text).toContain('podium_sync_connections')
      host.close()
      await until(`${podium.url}/metrics`, (t) => sample(t, 'podium_signal_peer_sockets') === 0)
    } finally {
      await podium.close()
    }
  })
})
