import { CloseCode, WebrtcRoomResponse } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { staffRoom } from '../src/ywebrtc/room.ts'
import { accessToken, SECRET, startSignal, type TestSignal } from './helpers/signal.ts'
import { SignalClient } from './helpers/signal-client.ts'

const SID = 'sessY00001'
/** A room of the session as some staff list stands (the tag is what staffRoom makes). */
const ROOM = `podium-${SID}.AbCdEf0123456789`

describe('y-webrtc signaling for staff', () => {
  let signal: TestSignal
  const clients: SignalClient[] = []
  const connect = (token: string | null) => {
    const client = SignalClient.connect(signal.url, token)
    clients.push(client)
    return client
  }

  beforeAll(async () => {
    signal = await startSignal({ PUBLIC_URL: 'https://podium.example.org' }, { recheckMs: 100 })
  })
  afterAll(async () => {
    for (const client of clients) client.ws.close()
    await signal.close()
  })

  it('relays publishes to the subscribers of the session room, and answers pings', async () => {
    const mod = connect(await signal.token({ sub: 'mod0000001', sid: SID, role: 'moderator' }))
    const host = connect(await signal.token({ sub: 'host000001', sid: SID, role: 'host' }))
    await Promise.all([mod.opened, host.opened])
    const topic = `${ROOM}:mod`
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
    const attendee = connect(await signal.token({ sub: 'att0000001', sid: SID, role: 'attendee' }))
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
    const token = await signal.token({ sub: 'mod0000001', sid: SID, role: 'moderator' })
    const mod = connect(token)
    await mod.opened
    mod.send({ type: 'subscribe', topics: [`${ROOM}:public`, 'podium-otherSession.tag:mod'] })
    expect(await mod.closed).toEqual({ code: CloseCode.forbidden, reason: 'topic-forbidden' })
    const again = connect(token)
    await again.opened
    again.send({ type: 'publish', topic: `podium-${SID}x`, data: 1 })
    expect((await again.closed).reason).toBe('topic-forbidden')
    // A session whose id begins with this one's: its rooms are not this session's.
    const prefixed = connect(token)
    await prefixed.opened
    prefixed.send({ type: 'subscribe', topics: [`podium-${SID}-2.AbCdEf0123456789:mod`] })
    expect((await prefixed.closed).reason).toBe('topic-forbidden')
    // The room without a staff tag (the password before it followed the staff list).
    const untagged = connect(token)
    await untagged.opened
    untagged.send({ type: 'subscribe', topics: [`podium-${SID}:mod`] })
    expect((await untagged.closed).reason).toBe('topic-forbidden')
    const garbage = connect(token)
    await garbage.opened
    garbage.ws.send('{"type":"subscribe","topics":"nope"}')
    expect((await garbage.closed).code).toBe(CloseCode.badFrame)
  })

  it('refuses a moderator the database says was revoked, and closes their open socket', async () => {
    const sid = 'sessY00002'
    const topic = `podium-${sid}.AbCdEf0123456789:mod`
    const host = connect(await signal.token({ sub: 'host000002', sid, role: 'host' }))
    const modToken = await signal.token({ sub: 'mod0000002', sid, role: 'moderator' })
    const mod = connect(modToken)
    await Promise.all([host.opened, mod.opened])
    host.send({ type: 'subscribe', topics: [topic] })
    mod.send({ type: 'subscribe', topics: [topic] })
    // Both subscriptions are in once each has had its pong.
    host.send({ type: 'ping' })
    mod.send({ type: 'ping' })
    await Promise.all([host.waitFor(1), mod.waitFor(1)])
    host.send({ type: 'publish', topic, data: 'before' })
    await mod.waitFor(2)
    // What the sync-server's revoke route writes: the user is an attendee now.
    await signal.db.kysely
      .updateTable('users')
      .set({ role: 'attendee' })
      .where('id', '=', 'mod0000002')
      .execute()
    expect(await mod.closed).toEqual({ code: CloseCode.forbidden, reason: 'access-revoked' })
    host.send({ type: 'publish', topic, data: 'after' })
    await host.waitFor(3)
    expect(mod.received.map((m) => m.data ?? m.type)).toEqual(['pong', 'before'])
    expect(await connect(modToken).closed).toEqual({
      code: CloseCode.forbidden,
      reason: 'token-revoked',
    })
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

  it('gives staff the room and password of the staff list as it stands, and the signaling URL', async () => {
    await signal.token({ sub: 'host000001', sid: SID, role: 'host' })
    const token = await signal.token({ sub: 'pres000001', sid: SID, role: 'presenter' })
    const response = await get(SID, token)
    expect(response.status).toBe(200)
    const body = WebrtcRoomResponse.parse(await response.json())
    const staff = [
      { userId: 'host000001', role: 'host' },
      { userId: 'pres000001', role: 'presenter' },
    ] as const
    expect(body).toEqual({
      ...staffRoom(SECRET, SID, [...staff]),
      signalingUrl: `wss://podium.example.org/signal?token=${token}`,
    })
    expect(body.room).toMatch(new RegExp(`^podium-${SID}\\.[\\w-]{16}$`))
    expect(body.password.length).toBeGreaterThanOrEqual(40)
    expect(body.password).not.toBe(staffRoom(SECRET, 'another001', [...staff]).password)

    // Someone joins the staff: a new room and password, for everyone in it.
    await signal.token({ sub: 'mod0000009', sid: SID, role: 'moderator' })
    const joined = WebrtcRoomResponse.parse(await (await get(SID, token)).json())
    expect(joined.room).not.toBe(body.room)
    expect(joined.password).not.toBe(body.password)
  })

  it('refuses attendees, other sessions and missing tokens with problem+json', async () => {
    const attendee = await signal.token({ sub: 'att0000001', sid: SID, role: 'attendee' })
    const refused = await get(SID, attendee)
    expect(refused.status).toBe(403)
    expect(refused.headers.get('content-type')).toContain('application/problem+json')
    const otherHost = await signal.token({ sub: 'host000002', sid: 'another001', role: 'host' })
    expect((await get(SID, otherHost)).status).toBe(403)
    expect((await get(SID)).status).toBe(401)
    // A signed token whose session this deployment never had.
    const stranger = await accessToken({ sub: 'host000003', sid: 'nowhere001', role: 'host' })
    expect((await get('nowhere001', stranger)).status).toBe(401)
  })
})
