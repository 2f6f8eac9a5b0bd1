import { IceServersResponse, stagePeerId, watchPeerId } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signalingOptions } from '../../sync-server/src/signaling/mount.ts'
import { acceptedInvite, createSession, join } from '../../sync-server/test/helpers/clients.ts'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { offer, PeerSocket } from './helpers/peer-client.ts'
import { accessToken, TURN_SECRET } from './helpers/signal.ts'

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

  it('gives TURN credentials to a joined attendee and none for a session that does not exist', async () => {
    const session = await createSession(podium.url)
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

  it('refuses a presenter whose invite the host revoked after it was accepted', async () => {
    const session = await createSession(podium.url)
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
})
