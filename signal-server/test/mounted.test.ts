import {
  CloseCode,
  documentName,
  IceServersResponse,
  ModDoc,
  stagePeerId,
  type WebrtcRoomResponse,
  watchPeerId,
} from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { signalingOptions } from '../../sync-server/src/signaling/mount.ts'
import { acceptedInvite, createSession, join } from '../../test-support/api.ts'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { offer, PeerSocket } from './helpers/peer-client.ts'
import { accessToken, TURN_SECRET } from './helpers/signal.ts'
import { SignalClient } from './helpers/signal-client.ts'

const TOKEN_SECRET = 'test-secret-test-secret-test-secret-0000'
const env = { TURN_SECRET, TURN_URLS: 'turn:127.0.0.1:3478', TOKEN_SECRET }

/** `npm start` serves signaling on the sync-server's own port. */
describe('signaling mounted in the sync-server', () => {
  let podium: TestPodium
  beforeAll(async () => {
    podium = await startPodium(env, signalingOptions())
  })
  afterAll(async () => {
    await podium?.close()
  })

  /** The host takes the session live (or ends it). */
  async function setStatus(session: { id: string; hostToken: string }, status: string) {
    const changed = await request(`${podium.url}/api/sessions/${session.id}/status`, {
      token: session.hostToken,
      body: { status },
    })
    expect(changed.status).toBe(200)
  }

  it('gives TURN credentials to a joined attendee and none for a session that does not exist', async () => {
    const session = await createSession(podium.url)
    await setStatus(session, 'live')
    const attendee = await join(podium.url, session.code, 'Ada')
    const response = await fetch(`${podium.url}/api/ice-servers`, {
      headers: { authorization: `Bearer ${attendee.token}` },
    })
    expect(response.status).toBe(200)
    const body = IceServersResponse.parse(await response.json())
    expect(body.iceServers[0]?.username).toMatch(new RegExp(`^\\d+:${attendee.userId}$`))

    const ghost = await accessToken(
      { sub: 'ghost00001', sid: 'nosession01', role: 'host' },
      { secret: TOKEN_SECRET },
    )
    const refused = await fetch(`${podium.url}/api/ice-servers`, {
      headers: { authorization: `Bearer ${ghost}` },
    })
    expect(refused.status).toBe(401)
    expect(await refused.json()).toMatchObject({
      detail: expect.stringContaining('no longer exists'),
    })
  })

  it('gives TURN credentials only while the session is live', async () => {
    const session = await createSession(podium.url)
    const attendee = await join(podium.url, session.code, 'Ada')
    const ice = () =>
      request<{ status: number; detail: string }>(`${podium.url}/api/ice-servers`, {
        token: attendee.token,
      })
    const draft = await ice()
    expect(draft.status).toBe(409)
    expect(draft.headers.get('content-type')).toContain('application/problem+json')
    expect(draft.body.detail).toContain('not live yet')
    expect(JSON.stringify(draft.body)).not.toContain('credential')

    await setStatus(session, 'live')
    const live = await ice()
    expect(live.status).toBe(200)
    expect(IceServersResponse.parse(live.body).iceServers[0]?.credential).toBeTruthy()

    await setStatus(session, 'ended')
    const ended = await ice()
    expect(ended.status).toBe(409)
    expect(ended.body.detail).toContain('has ended')
  })

  it('refuses a presenter whose invite the host revoked after it was accepted', async () => {
    const session = await createSession(podium.url)
    await setStatus(session, 'live')
    const presenter = await acceptedInvite(podium.url, session, 'presenter', 'Priya')
    const ice = () =>
      fetch(`${podium.url}/api/ice-servers`, {
        headers: { authorization: `Bearer ${presenter.token}` },
      })
    expect((await ice()).status).toBe(200)
    const revoked = await request(
      `${podium.url}/api/sessions/${session.id}/invites/${presenter.inviteId}`,
      { method: 'DELETE', token: session.hostToken },
    )
    expect(revoked.status).toBe(204)
    const refused = await ice()
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ detail: expect.stringContaining('withdrawn') })
    const stage = PeerSocket.connect(
      podium.url,
      stagePeerId(session.id, presenter.userId),
      presenter.token,
    )
    expect((await stage.closed).reason).toBe('access-revoked')
  })

  it('runs PeerJS signaling on the same port', async () => {
    const session = await createSession(podium.url)
    const attendee = await join(podium.url, session.code, 'Ada')
    const host = PeerSocket.connect(
      podium.url,
      stagePeerId(session.id, session.hostUserId),
      session.hostToken,
    )
    await host.next('OPEN')
    const viewerId = watchPeerId(session.id, attendee.userId, 'nonce7')
    const viewer = PeerSocket.connect(podium.url, viewerId, attendee.token)
    await viewer.next('OPEN')
    viewer.send(offer(stagePeerId(session.id, session.hostUserId), 'recvonly'))
    expect((await host.next('OFFER')).src).toBe(viewerId)
    const impostor = PeerSocket.connect(
      podium.url,
      stagePeerId(session.id, attendee.userId),
      attendee.token,
    )
    expect((await impostor.closed).reason).toBe('publish-forbidden')
    host.close()
    viewer.close()
    const info = await fetch(`${podium.url}/peerjs`)
    expect(await info.json()).toMatchObject({ name: 'PeerJS Server' })
  })

  it('cuts a revoked moderator out of the staff room: their /signal socket closes, nothing more reaches them or comes from them, and the room moves on', async () => {
    const session = await createSession(podium.url)
    const moderator = await acceptedInvite(podium.url, session, 'moderator', 'Mo')
    const roomFor = (token: string) =>
      request<WebrtcRoomResponse>(`${podium.url}/api/sessions/${session.id}/webrtc-room`, {
        token,
      })
    const peerRoomInModDoc = () =>
      podium.podium.services.docs.read(documentName.mod(session.id), (doc) =>
        new ModDoc(doc).peerRoom(),
      )
    const before = await roomFor(moderator.token)
    expect(before.status).toBe(200)
    expect(await peerRoomInModDoc()).toBe(before.body.room)
    const topic = `${before.body.room}:mod`
    const host = SignalClient.connect(podium.url, session.hostToken)
    const mod = SignalClient.connect(podium.url, moderator.token)
    await Promise.all([host.opened, mod.opened])
    await Promise.all([host.subscribe(topic), mod.subscribe(topic)])
    host.send({ type: 'publish', topic, data: 'before' })
    await mod.waitFor(2)

    const revoked = await request(
      `${podium.url}/api/sessions/${session.id}/invites/${moderator.inviteId}`,
      { method: 'DELETE', token: session.hostToken },
    )
    expect(revoked.status).toBe(204)
    if (mod.ws.readyState === WebSocket.OPEN)
      mod.send({ type: 'publish', topic, data: 'from the revoked' })
    expect(await mod.closed).toEqual({ code: CloseCode.forbidden, reason: 'access-revoked' })
    host.send({ type: 'publish', topic, data: 'after' })
    await host.subscribe(topic)
    expect(host.published()).toEqual(['before', 'after'])
    expect(mod.published()).toEqual(['before'])
    host.ws.close()

    // The staff left are handed a new room and password; the revoked moderator neither.
    const after = await roomFor(session.hostToken)
    expect(after.body.room).not.toBe(before.body.room)
    expect(after.body.password).not.toBe(before.body.password)
    expect((await roomFor(moderator.token)).status).toBe(403)
    expect(await peerRoomInModDoc()).toBe(after.body.room)
    // Every change of the staff list moves the room on, an invite accepted too.
    await acceptedInvite(podium.url, session, 'presenter', 'Pia')
    const joined = await roomFor(session.hostToken)
    expect(joined.body.password).not.toBe(after.body.password)
    expect(await peerRoomInModDoc()).toBe(joined.body.room)
  })
})
