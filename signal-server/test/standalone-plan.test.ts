import { stagePeerId } from '@podium/shared'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInByEmail } from '../../test-support/accounts.ts'
import { type Janus, startJanus } from '../../test-support/janus.ts'
import { buyProPlan, type PaymentsWorld, startPaymentsWorld } from '../../test-support/payments.ts'
import { request } from '../../test-support/podium.ts'
import { createTestSchema, type TestSchema } from '../../test-support/postgres.ts'
import { loadSignalConfig } from '../src/config.ts'
import { createSignalServer, type SignalServer } from '../src/server.ts'
import { PeerSocket } from './helpers/peer-client.ts'
import { publisherOffer, SfuSocket } from './helpers/sfu-client.ts'
import { SECRET } from './helpers/signal.ts'

interface Created {
  id: string
  code: string
  hostToken: string
  hostUserId: string
}

const UNCHECKED =
  "The video stage could not be checked against the host's plan just now; try again in a moment."

// As docker compose runs it: a signal-server of its own, with no Stripe keys, asks the
// sync-server (SYNC_SERVER_URL) whether a session's host plan has a video stage, before it
// admits a stage peer and before an SFU publish, and refuses in the sync-server's words.
describe('a standalone signal-server follows the host plan', () => {
  let schema: TestSchema
  let janus: Janus
  let world: PaymentsWorld
  let signal: SignalServer
  let signalUrl: string
  /** One whose sync-server does not answer. */
  let cutOff: SignalServer
  let cutOffUrl: string
  const sockets: Array<{ close(): void }> = []

  async function standalone(env: Record<string, string>) {
    const server = await createSignalServer(
      loadSignalConfig({
        SIGNAL_PORT: '0',
        HOST: '127.0.0.1',
        TOKEN_SECRET: SECRET,
        LOG_LEVEL: 'silent',
        DATABASE_URL: schema.url,
        DATABASE_SCHEMA: schema.schema,
        ...env,
      }),
      pino({ level: 'silent' }),
    )
    return { server, url: await server.listen() }
  }

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

  const stagePeer = (url: string, session: Created) => {
    const peer = PeerSocket.connect(
      url,
      stagePeerId(session.id, session.hostUserId),
      session.hostToken,
    )
    sockets.push(peer)
    return peer
  }
  const sfu = (url: string, token: string) => {
    const socket = SfuSocket.connect(url, token)
    sockets.push(socket)
    return socket
  }

  beforeAll(async () => {
    ;[schema, janus] = await Promise.all([createTestSchema(), startJanus()])
    world = await startPaymentsWorld({
      DATABASE_URL: schema.url,
      DATABASE_SCHEMA: schema.schema,
      TOKEN_SECRET: SECRET,
    })
    const janusEnv = { JANUS_URL: janus.url, JANUS_API_SECRET: janus.apiSecret }
    ;({ server: signal, url: signalUrl } = await standalone({
      ...janusEnv,
      SYNC_SERVER_URL: world.url,
    }))
    // Port 1 on this machine: nothing listens, so every check fails at once.
    ;({ server: cutOff, url: cutOffUrl } = await standalone({
      ...janusEnv,
      SYNC_SERVER_URL: 'http://127.0.0.1:1',
    }))
  }, 90_000)
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await cutOff?.close()
    await signal?.close()
    await world?.close()
    await janus?.stop()
    await schema?.drop()
  })

  it('refuses the stage peer and the SFU publish of a free-plan session in the plan’s words', async () => {
    const session = await sessionOf('standalone-free@example.org', false)
    const refusal = await request<{ detail: string }>(
      `${world.url}/api/sessions/${session.id}/video-stage`,
      { token: session.hostToken },
    )
    expect(refusal.status).toBe(403)
    expect(refusal.body.detail).toMatch(/The free plan has no video stage\. The pro plan lifts/)

    const peer = stagePeer(signalUrl, session)
    expect((await peer.next('ERROR')).payload?.msg).toBe(refusal.body.detail)
    expect((await peer.closed).reason).toBe('stage-not-in-plan')

    const socket = sfu(signalUrl, session.hostToken)
    await socket.next('feeds')
    socket.send({ type: 'publish', feed: 'camera', sdp: publisherOffer() })
    await expect(socket.next('error')).resolves.toMatchObject({
      code: 'publish-forbidden',
      message: refusal.body.detail,
    })
  })

  it('admits the stage peer and the SFU publish of a pro-plan session', async () => {
    const session = await sessionOf('standalone-pro@example.org', true)
    const peer = stagePeer(signalUrl, session)
    await peer.next('OPEN')

    const socket = sfu(signalUrl, session.hostToken)
    await socket.next('feeds')
    socket.send({ type: 'publish', feed: 'camera', sdp: publisherOffer() })
    const published = await socket.next('published', () => true, 10_000)
    expect(published.sdp).toMatch(/^v=0/)
    expect(socket.messages.filter((m) => m.type === 'error')).toEqual([])
  })

  it('refuses the stage, saying why, when the sync-server does not answer', async () => {
    const session = await sessionOf('standalone-cutoff@example.org', true)
    const peer = stagePeer(cutOffUrl, session)
    expect((await peer.next('ERROR')).payload?.msg).toBe(UNCHECKED)
    expect((await peer.closed).reason).toBe('stage-not-in-plan')

    const socket = sfu(cutOffUrl, session.hostToken)
    await socket.next('feeds')
    socket.send({ type: 'publish', feed: 'camera', sdp: publisherOffer() })
    await expect(socket.next('error')).resolves.toMatchObject({
      code: 'publish-forbidden',
      message: UNCHECKED,
    })
  })
})
