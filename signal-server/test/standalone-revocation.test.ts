import { CloseCode, stagePeerId, type WebrtcRoomResponse } from '@podium/shared'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acceptedInvite, createSession } from '../../test-support/api.ts'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { loadSignalConfig } from '../src/config.ts'
import { createSignalServer, type SignalServer } from '../src/server.ts'
import { PeerSocket } from './helpers/peer-client.ts'
import { SECRET, startSignal, type TestSignal } from './helpers/signal.ts'
import { SignalClient } from './helpers/signal-client.ts'

// As docker compose runs them: sync-server and a signal-server of its own over one
// Postgres database, with Redis between them (and a second signal-server without Redis).
const REDIS_URL = process.env.PODIUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
/** Long enough that only Redis can explain a prompt close on `signal`. */
const NEVER_MS = 10 * 60_000

let signal: TestSignal
let databaseOnly: SignalServer
let databaseOnlyUrl: string
let podium: TestPodium
const sockets: Array<{ ws: { close(): void } }> = []

beforeAll(async () => {
  signal = await startSignal({ REDIS_URL }, { recheckMs: NEVER_MS })
  databaseOnly = await createSignalServer(
    loadSignalConfig({
      SIGNAL_PORT: '0',
      HOST: '127.0.0.1',
      TOKEN_SECRET: SECRET,
      LOG_LEVEL: 'silent',
      ...signal.databaseEnv,
    }),
    pino({ level: 'silent' }),
    { recheckMs: 150 },
  )
  databaseOnlyUrl = await databaseOnly.listen()
  podium = await startPodium({ ...signal.databaseEnv, REDIS_URL, TOKEN_SECRET: SECRET })
})

afterAll(async () => {
  for (const socket of sockets) socket.ws.close()
  await podium?.close()
  await databaseOnly?.close()
  await signal?.close()
})

function connect(url: string, token: string) {
  const client = SignalClient.connect(url, token)
  sockets.push(client)
  return client
}

async function roomOf(sessionId: string, token: string) {
  const response = await request<WebrtcRoomResponse>(
    `${signal.url}/api/sessions/${sessionId}/webrtc-room`,
    { token },
  )
  return response
}

const revoke = (session: { id: string; hostToken: string }, inviteId: string) =>
  request(`${podium.url}/api/sessions/${session.id}/invites/${inviteId}`, {
    method: 'DELETE',
    token: session.hostToken,
  })

describe('a standalone signal-server', () => {
  it('closes a revoked moderator’s /signal and PeerJS sockets as soon as Redis says so, and refuses the token after', async () => {
    const session = await createSession(podium.url)
    const moderator = await acceptedInvite(podium.url, session, 'moderator', 'Mo')
    const presenter = await acceptedInvite(podium.url, session, 'presenter', 'Pia')
    const room = await roomOf(session.id, session.hostToken)
    expect(room.status).toBe(200)
    const topic = `${room.body.room}:mod`
    const host = connect(signal.url, session.hostToken)
    const mod = connect(signal.url, moderator.token)
    await Promise.all([host.opened, mod.opened])
    await Promise.all([host.subscribe(topic), mod.subscribe(topic)])
    host.send({ type: 'publish', topic, data: 'before' })
    await mod.waitFor(2)
    expect(mod.published()).toEqual(['before'])
    const stage = PeerSocket.connect(
      signal.url,
      stagePeerId(session.id, presenter.userId),
      presenter.token,
    )
    await stage.next('OPEN')

    expect((await revoke(session, moderator.inviteId)).status).toBe(204)
    expect(await mod.closed).toEqual({ code: CloseCode.forbidden, reason: 'access-revoked' })
    host.send({ type: 'publish', topic, data: 'after' })
    await new Promise((r) => setTimeout(r, 100))
    expect(mod.published()).toEqual(['before'])
    expect(await connect(signal.url, moderator.token).closed).toEqual({
      code: CloseCode.forbidden,
      reason: 'token-revoked',
    })
    // The room's password moved on with the staff list, and is not theirs to ask for.
    const after = await roomOf(session.id, session.hostToken)
    expect(after.body.password).not.toBe(room.body.password)
    expect(after.body.room).not.toBe(room.body.room)
    expect((await roomOf(session.id, moderator.token)).status).toBe(403)

    expect((await revoke(session, presenter.inviteId)).status).toBe(204)
    expect((await stage.closed).reason).toBe('access-revoked')
  })

  it('without Redis, refuses a revoked token at the door and closes its open socket from the database', async () => {
    const session = await createSession(podium.url)
    const moderator = await acceptedInvite(podium.url, session, 'moderator', 'Max')
    const mod = connect(databaseOnlyUrl, moderator.token)
    await mod.opened
    expect((await revoke(session, moderator.inviteId)).status).toBe(204)
    expect(await mod.closed).toEqual({ code: CloseCode.forbidden, reason: 'access-revoked' })
    expect(await connect(databaseOnlyUrl, moderator.token).closed).toEqual({
      code: CloseCode.forbidden,
      reason: 'token-revoked',
    })
    // The host still stands.
    const host = connect(databaseOnlyUrl, session.hostToken)
    await host.opened
    host.send({ type: 'ping' })
    expect(await host.waitFor(1)).toEqual([{ type: 'pong' }])
  })
})
