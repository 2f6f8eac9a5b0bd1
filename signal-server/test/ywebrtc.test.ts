import { CloseCode, WebrtcRoomResponse } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { roomPassword } from '../src/ywebrtc/room.ts'
import { accessToken, SECRET, startSignal, type TestSignal } from './helpers/signal.ts'

const SID = 'sessY00001'

class SignalClient {
  readonly received: Array<Record<string, unknown>> = []
  readonly opened: Promise<void>
  readonly closed: Promise<{ code: number; reason: string }>

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) =>
      this.received.push(JSON.parse(data.toString()) as Record<string, unknown>),
    )
    this.opened = new Promise((resolve) => ws.once('open', () => resolve()))
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    )
  }

  send(message: object) {
    this.ws.send(JSON.stringify(message))
  }

  async waitFor(count: number, timeoutMs = 2000) {
    const until = Date.now() + timeoutMs
    while (this.received.length < count && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10))
    return this.received
  }
}

describe('y-webrtc signaling for staff', () => {
  let signal: TestSignal
  const clients: SignalClient[] = []
  const connect = (token: string | null) => {
    const query = token === null ? '' : `?token=${token}`
    const client = new SignalClient(
      new WebSocket(`${signal.url.replace(/^http/, 'ws')}/signal${query}`),
    )
    clients.push(client)
    return client
  }

  beforeAll(async () => {
    signal = await startSignal({ PUBLIC_URL: 'https://podium.example.org' })
  })
  afterAll(async () => {
    for (const client of clients) client.ws.close()
    await signal.close()
  })

  it('relays publishes to the subscribers of the session room, and answers pings', async () => {
    const mod = connect(await accessToken({ sub: 'mod0000001', sid: SID, role: 'moderator' }))
    const host = connect(await accessToken({ sub: 'host000001', sid: SID, role: 'host' }))
    await Promise.all([mod.opened, host.opened])
    const topic = `podium-${SID}:mod`
    mod.send({ type: 'subscribe', topics: [topic] })
    host.send({ type: 'subscribe', topics: [topic] })
    host.send({ type: 'ping' })
    expect(await host.waitFor(1)).toEqual([{ type: 'pong' }])
    host.send({ type: 'publish', topic, data: { type: 'announce', from: 'abc' } })
    const [relayed] = await mod.waitFor(1)
    expect(relayed).toEqual({
      type: 'publish',
      topic,
      data: { type: 'announce', from: 'abc' },
      clients: 2,
    })
    mod.send({ type: 'unsubscribe', topics: [topic] })
    await new Promise((r) => setTimeout(r, 50))
    host.send({ type: 'publish', topic, data: 'second' })
    await host.waitFor(3)
    expect(mod.received).toHaveLength(1)
  })

  it('refuses attendees, missing and forged tokens', async () => {
    const attendee = connect(await accessToken({ sub: 'att0000001', sid: SID, role: 'attendee' }))
    expect(await attendee.closed).toEqual({ code: CloseCode.forbidden, reason: 'staff-only' })
    expect(await connect(null).closed).toEqual({
      code: CloseCode.unauthorized,
      reason: 'token-missing',
    })
    const forged = await accessToken(
      { sub: 'mod0000001', sid: SID, role: 'moderator' },
      { secret: 'another-secret-another-secret-another-1' },
    )
    expect(await connect(forged).closed).toEqual({
      code: CloseCode.unauthorized,
      reason: 'token-invalid',
    })
  })

  it("keeps staff to their own session's topics", async () => {
    const mod = connect(await accessToken({ sub: 'mod0000001', sid: SID, role: 'moderator' }))
    await mod.opened
    mod.send({ type: 'subscribe', topics: [`podium-${SID}:public`, 'podium-otherSession:mod'] })
    expect(await mod.closed).toEqual({ code: CloseCode.forbidden, reason: 'topic-forbidden' })
    const again = connect(await accessToken({ sub: 'mod0000001', sid: SID, role: 'moderator' }))
    await again.opened
    again.send({ type: 'publish', topic: `podium-${SID}x`, data: 1 })
    expect((await again.closed).reason).toBe('topic-forbidden')
    const garbage = connect(await accessToken({ sub: 'mod0000001', sid: SID, role: 'moderator' }))
    await garbage.opened
    garbage.ws.send('{"type":"subscribe","topics":"nope"}')
    expect((await garbage.closed).code).toBe(CloseCode.badFrame)
  })
})

describe('GET /api/sessions/:id/webrtc-room', () => {
  let signal: TestSignal
  beforeAll(async () => {
    signal = await startSignal({ PUBLIC_URL: 'https://podium.example.org' })
  })
  afterAll(async () => {
    await signal.close()
  })
  const get = (id: string, token?: string) =>
    fetch(`${signal.url}/api/sessions/${id}/webrtc-room`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    })

  it('gives staff the room, a per-session password and the signaling URL', async () => {
    const token = await accessToken({ sub: 'pres000001', sid: SID, role: 'presenter' })
    const response = await get(SID, token)
    expect(response.status).toBe(200)
    const body = WebrtcRoomResponse.parse(await response.json())
    expect(body.room).toBe(`podium-${SID}`)
    expect(body.password).toBe(roomPassword(SECRET, SID))
    expect(body.password).not.toBe(roomPassword(SECRET, 'another001'))
    expect(body.password.length).toBeGreaterThanOrEqual(40)
    expect(body.signalingUrl).toBe(`wss://podium.example.org/signal?token=${token}`)
  })

  it('refuses attendees, other sessions and missing tokens with problem+json', async () => {
    const attendee = await accessToken({ sub: 'att0000001', sid: SID, role: 'attendee' })
    const refused = await get(SID, attendee)
    expect(refused.status).toBe(403)
    expect(refused.headers.get('content-type')).toContain('application/problem+json')
    const otherHost = await accessToken({ sub: 'host000002', sid: 'another001', role: 'host' })
    expect((await get(SID, otherHost)).status).toBe(403)
    expect((await get(SID)).status).toBe(401)
  })
})
