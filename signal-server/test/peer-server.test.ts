import { CloseCode, parsePeerId, stagePeerId, watchPeerId } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { offer, PeerSocket } from './helpers/peer-client.ts'
import { accessToken, startSignal, type TestSignal } from './helpers/signal.ts'

const SID = 'sessA00001'
const HOST = 'hostA00001'
const ALICE = 'aliceA0001'

describe('PeerJS server with token-bound peer ids', () => {
  let signal: TestSignal
  let hostToken: string
  let aliceToken: string
  const sockets: PeerSocket[] = []
  const open = (id: string, token: string, options?: { nonce?: string }) => {
    const socket = PeerSocket.connect(signal.url, id, token, options)
    sockets.push(socket)
    return socket
  }

  beforeAll(async () => {
    signal = await startSignal()
    hostToken = await signal.token({ sub: HOST, sid: SID, role: 'host', name: 'Hana' })
    aliceToken = await signal.token({ sub: ALICE, sid: SID, role: 'attendee', name: 'Alice' })
  })
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await signal.close()
  })

  it('opens the stage id of a host and relays a viewer offer to it with the true source', async () => {
    const host = open(stagePeerId(SID, HOST), hostToken)
    await host.next('OPEN')
    const aliceId = watchPeerId(SID, ALICE, 'nonce1')
    const alice = open(aliceId, aliceToken)
    await alice.next('OPEN')
    alice.send({ ...offer(stagePeerId(SID, HOST), 'recvonly'), src: stagePeerId(SID, 'someone00') })
    const received = await host.next('OFFER')
    expect(received.src).toBe(aliceId)
    expect(received.payload).toMatchObject({
      type: 'media',
      connectionId: 'mc_test1',
      metadata: { feed: 'camera' },
    })
    host.send({
      type: 'ANSWER',
      dst: aliceId,
      payload: { sdp: { type: 'answer', sdp: 'v=0\r\n' }, type: 'media', connectionId: 'mc_test1' },
    })
    expect((await alice.next('ANSWER')).src).toBe(stagePeerId(SID, HOST))
    host.close()
    alice.close()
    await host.closed
  })

  it('refuses an attendee who tries to go on stage', async () => {
    const alice = open(stagePeerId(SID, ALICE), aliceToken)
    const error = await alice.next('ERROR')
    expect(error.payload?.msg).toMatch(/only the host and presenters may publish/i)
    expect(await alice.closed).toEqual({ code: CloseCode.forbidden, reason: 'publish-forbidden' })
  })

  it('refuses an impostor claiming the host stage id with their own token', async () => {
    const impostor = open(stagePeerId(SID, HOST), aliceToken)
    expect((await impostor.next('ERROR')).payload?.msg).toMatch(/belongs to someone else/)
    expect((await impostor.closed).code).toBe(CloseCode.forbidden)
    const presenter = await signal.token({ sub: 'presB00001', sid: SID, role: 'presenter' })
    const otherPresenter = open(stagePeerId(SID, HOST), presenter)
    expect((await otherPresenter.closed).reason).toBe('peer-id-not-yours')
  })

  it('refuses forged, expired and missing tokens', async () => {
    const forged = await accessToken(
      { sub: HOST, sid: SID, role: 'host' },
      { secret: 'another-secret-another-secret-another-1' },
    )
    expect(await open(stagePeerId(SID, HOST), forged).closed).toEqual({
      code: CloseCode.unauthorized,
      reason: 'token-invalid',
    })
    const expired = await accessToken({ sub: HOST, sid: SID, role: 'host' }, { ttlSeconds: -10 })
    expect((await open(stagePeerId(SID, HOST), expired).closed).reason).toBe('token-expired')
    const bare = PeerSocket.raw(
      signal.url,
      `key=peerjs&id=${stagePeerId(SID, HOST)}&token=randomtoken`,
    )
    sockets.push(bare)
    expect((await bare.closed).reason).toBe('token-missing')
  })

  it('gives a stage id to one tab at a time but lets the same tab resume', async () => {
    const id = stagePeerId(SID, HOST)
    const first = open(id, hostToken, { nonce: 'tabone01' })
    await first.next('OPEN')
    const second = open(id, hostToken, { nonce: 'tabtwo02' })
    expect((await second.next('ID-TAKEN')).payload?.msg).toBe('ID is taken')
    // The PeerJS client reconnects with the same id and token: it takes its id back.
    const resumed = open(id, hostToken, { nonce: 'tabone01' })
    await resumed.opened
    expect(await resumed.quietFor(150)).toEqual([])
    first.close()
    resumed.close()
    await resumed.closed
  })

  it('refuses viewers who publish, talk to other viewers or to another session', async () => {
    const host = open(stagePeerId(SID, HOST), hostToken)
    await host.next('OPEN')
    const bobToken = await signal.token({ sub: 'bobA000001', sid: SID, role: 'attendee' })
    const bob = open(watchPeerId(SID, 'bobA000001', 'nonce2'), bobToken)
    await bob.next('OPEN')

    const sender = open(watchPeerId(SID, ALICE, 'nonce3'), aliceToken)
    await sender.next('OPEN')
    sender.send(offer(stagePeerId(SID, HOST), 'sendrecv'))
    expect((await sender.next('ERROR')).payload?.msg).toMatch(/may publish video/)
    expect((await sender.closed).reason).toBe('publish-forbidden')

    const chatty = open(watchPeerId(SID, ALICE, 'nonce4'), aliceToken)
    await chatty.next('OPEN')
    chatty.send(offer(watchPeerId(SID, 'bobA000001', 'nonce2'), 'recvonly'))
    expect((await chatty.closed).reason).toBe('viewer-to-viewer')

    const outsiderToken = await signal.token({ sub: 'eveB000001', sid: 'sessB00001', role: 'host' })
    const outsider = open(stagePeerId('sessB00001', 'eveB000001'), outsiderToken)
    await outsider.next('OPEN')
    outsider.send(offer(watchPeerId(SID, 'bobA000001', 'nonce2'), 'sendrecv'))
    expect((await outsider.closed).reason).toBe('other-session')

    expect(await host.quietFor(100)).toEqual([])
    expect(await bob.quietFor(0)).toEqual([])
    host.close()
    bob.close()
  })

  it('expires an offer to a publisher who is not connected at once', async () => {
    const alice = open(watchPeerId(SID, ALICE, 'nonce5'), aliceToken)
    await alice.next('OPEN')
    const started = Date.now()
    alice.send(offer(stagePeerId(SID, 'gonehost01'), 'recvonly'))
    const expire = await alice.next('EXPIRE', 1000)
    expect(expire.src).toBe(stagePeerId(SID, 'gonehost01'))
    expect(Date.now() - started).toBeLessThan(1000)
    alice.close()
  })

  it('closes a socket that sends something other than PeerJS messages', async () => {
    const alice = open(watchPeerId(SID, ALICE, 'nonce6'), aliceToken)
    await alice.next('OPEN')
    alice.ws.send('not json')
    expect(await alice.closed).toEqual({ code: CloseCode.badFrame, reason: 'bad-frame' })
  })

  it('serves PeerJS HTTP routes: info, no peer listing, ids bound to the token', async () => {
    const info = await fetch(`${signal.url}/peerjs`)
    expect(await info.json()).toMatchObject({ name: 'PeerJS Server' })
    expect((await fetch(`${signal.url}/peerjs/peerjs/peers`)).status).toBe(401)
    const anonymous = await fetch(`${signal.url}/peerjs/peerjs/id`)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json')
    const bound = await fetch(`${signal.url}/peerjs/peerjs/id?token=${aliceToken}`)
    expect(parsePeerId(await bound.text())).toEqual({
      sessionId: SID,
      userId: ALICE,
      kind: 'watch',
    })
  })
})
