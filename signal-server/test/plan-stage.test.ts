import { stagePeerId, watchPeerId } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signalingOptions } from '../../sync-server/src/signaling/mount.ts'
import { signInByEmail } from '../../test-support/accounts.ts'
import { join } from '../../test-support/api.ts'
import { buyProPlan, type PaymentsWorld, startPaymentsWorld } from '../../test-support/payments.ts'
import { request } from '../../test-support/podium.ts'
import { PeerSocket } from './helpers/peer-client.ts'

interface Created {
  id: string
  code: string
  hostToken: string
  hostUserId: string
}

// The plan limits table's video stage (docs/payments.md): a host whose plan has none is told
// so by the API before the camera opens, and the signaling server refuses the stage peer.
describe('the video stage follows the host plan', () => {
  let world: PaymentsWorld
  const stageCheck = (session: Created) =>
    request<{ allowed?: boolean; status?: number; detail?: string }>(
      `${world.url}/api/sessions/${session.id}/video-stage`,
      { token: session.hostToken },
    )
  async function sessionOf(email: string, pro: boolean): Promise<Created> {
    const host = await signInByEmail(world.url, world.inbox, email)
    if (pro) await buyProPlan(world, host)
    const created = await request<Created>(`${world.url}/api/sessions`, {
      token: host.accessToken,
      body: { title: 'Stage talk' },
    })
    expect(created.status).toBe(201)
    return created.body
  }

  beforeAll(async () => {
    world = await startPaymentsWorld({}, { podium: signalingOptions() })
  }, 60_000)
  afterAll(async () => {
    await world?.close()
  })

  it('refuses the stage of a free-plan session in words naming the plan that lifts it', async () => {
    const session = await sessionOf('free-stage@example.org', false)
    const checked = await stageCheck(session)
    expect(checked.status).toBe(403)
    expect(checked.headers.get('content-type')).toContain('application/problem+json')
    expect(checked.body.detail).toBe(
      'The free plan has no video stage. The pro plan lifts this limit: the host can change plans in the billing settings.',
    )
    const stage = PeerSocket.connect(
      world.url,
      stagePeerId(session.id, session.hostUserId),
      session.hostToken,
    )
    const error = await stage.next('ERROR')
    expect(error.payload?.msg).toBe(checked.body.detail)
    expect((await stage.closed).reason).toBe('stage-not-in-plan')
    // Watching is not publishing: a viewer's peer is still admitted.
    const attendee = await join(world.url, session.code, 'Ada')
    const viewer = PeerSocket.connect(
      world.url,
      watchPeerId(session.id, attendee.userId, 'nonce1'),
      attendee.token,
    )
    await viewer.next('OPEN')
    viewer.close()
  })

  it('opens the stage of a session whose host is on the pro plan', async () => {
    const session = await sessionOf('pro-stage@example.org', true)
    const checked = await stageCheck(session)
    expect(checked.status).toBe(200)
    expect(checked.body).toEqual({ allowed: true })
    const stage = PeerSocket.connect(
      world.url,
      stagePeerId(session.id, session.hostUserId),
      session.hostToken,
    )
    await stage.next('OPEN')
    stage.close()
  })
})
