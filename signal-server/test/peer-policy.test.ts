import { parsePeerId, peerToken, splitPeerToken, stagePeerId, watchPeerId } from '@podium/shared'
import { describe, expect, it } from 'vitest'
import type { Claims, TokenCheck } from '../src/auth/tokens.ts'
import type { ClientMessage } from '../src/peer/messages.ts'
import { Action, admit, decide, Refusal } from '../src/peer/policy.ts'
import { sdpSendsMedia } from '../src/peer/sdp.ts'
import { sdp } from './helpers/peer-client.ts'

const claims = (role: Claims['role'], sub = 'user000001', sid = 'sess000001'): Claims => ({
  typ: 'access',
  sub,
  sid,
  role,
  name: null,
  exp: 0,
})
const valid =
  (c: Claims) =>
  async (token: string): Promise<TokenCheck> =>
    token === 'good' ? { ok: true, claims: c } : { ok: false, reason: 'invalid' }

describe('peer ids', () => {
  it('round-trip any id characters and stay inside PeerJS alphabet', () => {
    const id = stagePeerId('a-b_c1234', 'Zz_9-x00')
    expect(id).toMatch(/^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/)
    expect(parsePeerId(id)).toEqual({ sessionId: 'a-b_c1234', userId: 'Zz_9-x00', kind: 'stage' })
    expect(parsePeerId(watchPeerId('s1234567', 'u1234567', 'abc123'))).toEqual({
      sessionId: 's1234567',
      userId: 'u1234567',
      kind: 'watch',
    })
  })

  it('rejects ids that are not Podium peer ids', () => {
    for (const id of [
      '',
      'random-uuid',
      'pd-zz-00-stage',
      'pd-61-62-watch-x',
      'pd-6-62-stage',
      'pd-ff-62-stage',
    ]) {
      expect(parsePeerId(id)).toBeNull()
    }
  })

  it('split the PeerJS token into the access token and the tab nonce', () => {
    expect(splitPeerToken(peerToken('a.b.c', 'tab123'))).toEqual({
      accessToken: 'a.b.c',
      tabNonce: 'tab123',
    })
    expect(splitPeerToken('a.b.c')).toBeNull()
    expect(splitPeerToken('~tab123')).toBeNull()
  })
})

describe('admit', () => {
  const host = claims('host')
  const query = (id: string, token = peerToken('good', 'tab123')) => ({ id, token, key: 'peerjs' })

  it('admits the stage id of a host and the watch ids of anyone', async () => {
    expect(await admit(query(stagePeerId('sess000001', 'user000001')), valid(host))).toMatchObject({
      ok: true,
    })
    const attendee = claims('attendee')
    const watch = watchPeerId('sess000001', 'user000001', 'nonce1')
    expect(await admit(query(watch), valid(attendee))).toMatchObject({ ok: true })
  })

  it('refuses an attendee on stage, and ids of other users or sessions', async () => {
    const stage = stagePeerId('sess000001', 'user000001')
    expect(await admit(query(stage), valid(claims('attendee')))).toEqual({
      ok: false,
      refusal: Refusal.publishForbidden,
    })
    expect(await admit(query(stage), valid(claims('moderator')))).toEqual({
      ok: false,
      refusal: Refusal.publishForbidden,
    })
    expect(await admit(query(stage), valid(claims('presenter', 'someone00')))).toEqual({
      ok: false,
      refusal: Refusal.foreignId,
    })
    expect(await admit(query(stage), valid(claims('host', 'user000001', 'other0001')))).toEqual({
      ok: false,
      refusal: Refusal.foreignId,
    })
    expect(await admit(query('8b9a2c6e-random'), valid(host))).toEqual({
      ok: false,
      refusal: Refusal.foreignId,
    })
  })

  it('refuses missing parameters and bad tokens', async () => {
    const stage = stagePeerId('sess000001', 'user000001')
    expect(await admit({ id: stage, token: null, key: 'peerjs' }, valid(host))).toEqual({
      ok: false,
      refusal: Refusal.missingParameters,
    })
    expect(await admit(query(stage, 'good'), valid(host))).toEqual({
      ok: false,
      refusal: Refusal.tokenMissing,
    })
    expect(await admit(query(stage, peerToken('forged', 'tab123')), valid(host))).toEqual({
      ok: false,
      refusal: Refusal.tokenInvalid,
    })
  })
})

describe('decide', () => {
  const stage = stagePeerId('sess000001', 'host00001')
  const viewer = parsePeerId(watchPeerId('sess000001', 'user000001', 'nonce1'))!
  const publisher = parsePeerId(stage)!
  const otherViewer = watchPeerId('sess000001', 'user000002', 'nonce2')
  const connected = () => true
  const offer = (
    dst: string,
    direction: Parameters<typeof sdp>[0],
    type: 'media' | 'data' = 'media',
  ): ClientMessage => ({
    type: 'OFFER',
    dst,
    payload: { sdp: { type: 'offer', sdp: sdp(direction) }, type, connectionId: 'mc_1' },
  })

  it('lets a viewer offer to receive from a publisher of its session', () => {
    expect(decide(viewer, offer(stage, 'recvonly'), connected)).toEqual({ action: Action.relay })
  })

  it('refuses a viewer that offers to send media, or data', () => {
    for (const direction of ['sendrecv', 'sendonly', null] as const) {
      expect(decide(viewer, offer(stage, direction), connected)).toEqual({
        action: Action.refuse,
        refusal: Refusal.publishForbidden,
      })
    }
    expect(decide(viewer, offer(stage, 'recvonly', 'data'), connected)).toMatchObject({
      action: Action.refuse,
    })
    const answer: ClientMessage = {
      type: 'ANSWER',
      dst: stage,
      payload: {
        sdp: { type: 'answer', sdp: sdp('sendonly') },
        type: 'media',
        connectionId: 'mc_1',
      },
    }
    expect(decide(viewer, answer, connected)).toMatchObject({ refusal: Refusal.publishForbidden })
  })

  it('keeps viewers apart and sessions apart', () => {
    expect(decide(viewer, offer(otherViewer, 'recvonly'), connected)).toMatchObject({
      refusal: Refusal.viewerToViewer,
    })
    const elsewhere = stagePeerId('other0001', 'host00001')
    expect(decide(publisher, offer(elsewhere, 'sendrecv'), connected)).toMatchObject({
      refusal: Refusal.otherSession,
    })
    expect(decide(publisher, { type: 'LEAVE', dst: 'not-a-podium-id' }, connected)).toMatchObject({
      refusal: Refusal.otherSession,
    })
  })

  it('lets a publisher send anything to anyone in its session', () => {
    expect(decide(publisher, offer(otherViewer, 'sendrecv'), connected)).toEqual({
      action: Action.relay,
    })
  })

  it('expires offers to peers that are not connected and drops the rest', () => {
    const gone = () => false
    expect(decide(viewer, offer(stage, 'recvonly'), gone)).toEqual({
      action: Action.expire,
      dst: stage,
    })
    const candidate: ClientMessage = {
      type: 'CANDIDATE',
      dst: stage,
      payload: {
        candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' },
        type: 'media',
        connectionId: 'mc_1',
      },
    }
    expect(decide(viewer, candidate, gone)).toEqual({ action: Action.drop })
    expect(decide(viewer, { type: 'HEARTBEAT' }, gone)).toEqual({ action: Action.relay })
  })
})

describe('sdpSendsMedia', () => {
  it('reads the direction of audio and video sections (sendrecv by default)', () => {
    expect(sdpSendsMedia(sdp('recvonly'))).toBe(false)
    expect(sdpSendsMedia(sdp('inactive'))).toBe(false)
    expect(sdpSendsMedia(sdp('sendonly'))).toBe(true)
    expect(sdpSendsMedia(sdp('sendrecv'))).toBe(true)
    expect(sdpSendsMedia(sdp(null))).toBe(true)
  })

  it('ignores rejected sections', () => {
    const rejected = sdp('sendrecv')
      .replace('m=audio 9', 'm=audio 0')
      .replace('m=video 9', 'm=video 0')
    expect(sdpSendsMedia(rejected)).toBe(false)
  })
})
