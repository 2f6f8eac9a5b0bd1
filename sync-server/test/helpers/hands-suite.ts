import {
  CalledOn,
  calledOn,
  callNotice,
  HAND_ENTRY_ID,
  HandsDoc,
  setHand,
  VideoStageDoc,
} from '@podium/shared'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { TestPodium } from '../../../test-support/podium.ts'
import { request } from '../../../test-support/podium.ts'
import { auditLog, createSession, join, TestClient, waitFor } from './clients.ts'

/**
 * Raised hands through a real server, as tests registered in the caller's `describe`,
 * against whatever server `start` gives (SQLite, or Postgres in the contract suite).
 */
export function handsSuite(start: () => Promise<TestPodium>): void {
  let server: TestPodium
  const clients: TestClient[] = []
  beforeAll(async () => {
    server = await start()
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server?.close()
  })
  const client = (identity: { sessionId: string; userId: string; token: string }, mod = false) => {
    const c = new TestClient(server.syncUrl, identity, {}, mod)
    clients.push(c)
    return c
  }
  const hostOf = (session: { id: string; hostUserId: string; hostToken: string }) =>
    client({ sessionId: session.id, userId: session.hostUserId, token: session.hostToken }, true)
  const outboxDoc = (c: TestClient) => c.provider('outbox').document
  const queue = (c: TestClient) => new HandsDoc(c.provider('mod').document).queue()

  it('ING-HAND-3: raised hands queue in order with the server’s time and name', async () => {
    const session = await createSession(server.url)
    const host = hostOf(session)
    const ann = client(await join(server.url, session.code, 'Ann'))
    const ben = client(await join(server.url, session.code, 'Ben'))
    await Promise.all([host.synced(), ann.synced(), ben.synced()])
    const before = Date.now()
    setHand(outboxDoc(ann), true)
    await waitFor(() => queue(host).length === 1, 15_000, 'Ann in the queue')
    setHand(outboxDoc(ben), true)
    await waitFor(() => queue(host).length === 2, 15_000, 'Ben in the queue')
    const [first, second] = queue(host)
    expect(first).toMatchObject({ userId: ann.identity.userId, name: 'Ann', calledAt: null })
    expect(second).toMatchObject({ userId: ben.identity.userId, name: 'Ben' })
    expect(first!.raisedAt).toBeGreaterThanOrEqual(before - 1_000)
    expect(second!.raisedAt).toBeGreaterThanOrEqual(first!.raisedAt)
    await waitFor(() => ann.outbox.receipt(HAND_ENTRY_ID)?.status === 'accepted', 15_000)

    // Raised again while up: it keeps its place.
    const raisedAt = queue(host)[0]!.raisedAt
    setHand(outboxDoc(ann), true)
    await waitFor(() => ann.outbox.unsynced().length === 0, 15_000, 'receipt')
    expect(queue(host)[0]).toMatchObject({ userId: ann.identity.userId, raisedAt })
  })

  const handEvents = (sessionId: string) =>
    server.podium.services.db.kysely
      .selectFrom('domain_events')
      .select(['type', 'data'])
      .where('session_id', '=', sessionId)
      .where('type', 'like', 'hand.%')
      .orderBy('seq')
      .execute()

  it('ING-HAND-4: a hand raised again, or lowered when it is not up, repeats no event', async () => {
    const session = await createSession(server.url)
    const host = hostOf(session)
    const ann = client(await join(server.url, session.code, 'Ann'))
    await Promise.all([host.synced(), ann.synced()])
    const decided = async () => {
      const seq = ann.outbox.entry(HAND_ENTRY_ID)?.seq
      await waitFor(
        () => ann.outbox.receipt(HAND_ENTRY_ID)?.seq === seq,
        15_000,
        'the hand decided',
      )
    }
    setHand(outboxDoc(ann), true)
    await decided()
    // Rewritten while up (a second tab, a reconnect): the same hand, no second event.
    setHand(outboxDoc(ann), true)
    await decided()
    // Staff lower it; the attendee lowering it afterwards changes nothing more.
    const lowered = await request(
      `${server.url}/api/sessions/${session.id}/hands/${ann.identity.userId}/lower`,
      { token: session.hostToken, body: {} },
    )
    expect(lowered.status).toBe(204)
    setHand(outboxDoc(ann), false)
    await decided()
    setHand(outboxDoc(ann), true)
    await decided()
    expect(queue(host).map((h) => h.userId)).toEqual([ann.identity.userId])
    const events = await handEvents(session.id)
    expect(events.map((e) => e.type)).toEqual(['hand.raised', 'hand.lowered', 'hand.raised'])
    // The one lowering is the host's; the attendee's own came after and changed nothing.
    expect(JSON.parse(events[1]!.data)).toMatchObject({ by: session.hostUserId })
  })

  it('ING-HAND-4: lowering a hand takes it out of the queue', async () => {
    const session = await createSession(server.url)
    const host = hostOf(session)
    const ann = client(await join(server.url, session.code, 'Ann'))
    const ben = client(await join(server.url, session.code, 'Ben'))
    await Promise.all([host.synced(), ann.synced(), ben.synced()])
    setHand(outboxDoc(ann), true)
    await waitFor(() => queue(host).length === 1, 15_000, 'Ann in the queue')
    setHand(outboxDoc(ben), true)
    await waitFor(() => queue(host).length === 2, 15_000, 'Ben in the queue')
    setHand(outboxDoc(ann), false)
    await waitFor(() => queue(host).length === 1, 15_000, 'Ann lowered')
    expect(queue(host)[0]?.userId).toBe(ben.identity.userId)
    const events = await server.podium.services.db.kysely
      .selectFrom('domain_events')
      .select(['type'])
      .where('session_id', '=', session.id)
      .where('type', 'like', 'hand.%')
      .orderBy('seq')
      .execute()
    expect(events.map((e) => e.type)).toEqual(['hand.raised', 'hand.raised', 'hand.lowered'])
  })

  it('ING-HAND-5: a hand raised offline is queued when its outbox reaches the server', async () => {
    const session = await createSession(server.url)
    const host = hostOf(session)
    const cy = await join(server.url, session.code, 'Cy')
    await host.synced()
    // Written before any connection: the outbox carries it when it first syncs.
    const offline = client(cy)
    setHand(outboxDoc(offline), true)
    await waitFor(() => queue(host).some((h) => h.userId === cy.userId), 15_000, 'queued')
  })

  it('ING-HAND-1: a hand entry under another key is refused as invalid and queues nothing', async () => {
    const session = await createSession(server.url)
    const host = hostOf(session)
    const dee = client(await join(server.url, session.code, 'Dee'))
    await Promise.all([host.synced(), dee.synced()])
    outboxDoc(dee)
      .getMap('entries')
      .set('hand-2', { type: 'hand', id: 'hand-2', seq: 1, createdAt: 1, raised: true })
    await waitFor(() => dee.outbox.receipt('hand-2') !== undefined, 15_000, 'receipt')
    expect(dee.outbox.receipt('hand-2')).toMatchObject({ status: 'rejected', reason: 'invalid' })
    expect(queue(host)).toHaveLength(0)
  })

  it('ING-HAND-2: toggling faster than the hand allowance is refused as rate-limited', async () => {
    const session = await createSession(server.url)
    const eve = client(await join(server.url, session.code, 'Eve'))
    await eve.synced()
    let limited = false
    for (let i = 0; i < 40 && !limited; i++) {
      setHand(outboxDoc(eve), i % 2 === 0)
      await waitFor(() => eve.outbox.unsynced().length === 0, 15_000, 'receipt')
      limited = eve.outbox.receipt(HAND_ENTRY_ID)?.reason === 'rate-limited'
    }
    expect(limited).toBe(true)
  })

  it('ING-HAND-6: an attendee cannot raise a hand in someone else’s outbox', async () => {
    const session = await createSession(server.url)
    const host = hostOf(session)
    const ivy = await join(server.url, session.code, 'Ivy')
    const jon = await join(server.url, session.code, 'Jon')
    await host.synced()
    // Jon opens Ivy's outbox with his own token and writes a hand into it.
    const forger = client({ sessionId: session.id, userId: ivy.userId, token: jon.token })
    let denied = ''
    forger.provider('outbox').on('authenticationFailed', ({ reason }: { reason: string }) => {
      denied = reason
    })
    setHand(outboxDoc(forger), true)
    await waitFor(() => denied !== '', 15_000, 'refused')
    expect(denied).toBe('forbidden')
    await server.podium.ingest.flush()
    expect(queue(host)).toHaveLength(0)
  })

  it('[HAND-CALL-1] calling on someone marks the hand, names them publicly, and is audited', async () => {
    const session = await createSession(server.url)
    const host = hostOf(session)
    const fay = client(await join(server.url, session.code, 'Fay'))
    await Promise.all([host.synced(), fay.synced()])
    setHand(outboxDoc(fay), true)
    await waitFor(() => queue(host).length === 1, 15_000, 'queued')
    const res = await request<{ hand: { calledAt: number }; invitedToStage: boolean }>(
      `${server.url}/api/sessions/${session.id}/hands/${fay.identity.userId}/call`,
      { method: 'POST', token: session.hostToken },
    )
    expect(res.status).toBe(200)
    expect(res.body.invitedToStage).toBe(false)
    await waitFor(() => queue(host)[0]?.calledAt !== null, 15_000, 'marked')
    await waitFor(() => calledOn(fay.provider('public').document) !== null, 15_000, 'public')
    expect(CalledOn.parse(calledOn(fay.provider('public').document))).toMatchObject({
      userId: fay.identity.userId,
      name: 'Fay',
      toStage: false,
    })
    await waitFor(() => callNotice(outboxDoc(fay)) !== null, 15_000, 'told')
    expect(callNotice(outboxDoc(fay))?.stageInvite).toBeNull()
    const entries = await auditLog(server.url, { id: session.id, token: session.hostToken }, (e) =>
      e.some((x) => x.action === 'call-on'),
    )
    expect(entries.find((e) => e.action === 'call-on')).toMatchObject({
      actorId: session.hostUserId,
      targetId: fay.identity.userId,
      detail: 'Fay',
    })
  })

  it('[HAND-CALL-2] with the video stage on, the one called on gets a presenter invite only they see', async () => {
    const session = await createSession(server.url)
    const host = hostOf(session)
    const gil = client(await join(server.url, session.code, 'Gil'))
    await Promise.all([host.synced(), gil.synced()])
    new VideoStageDoc(host.provider('public').document).take({
      userId: session.hostUserId,
      name: 'Host',
      role: 'host',
      peerId: 'peer-host-1',
      since: Date.now(),
      screen: 'off',
      camera: true,
      microphone: true,
      audience: 0,
      cap: 8,
    })
    await waitFor(() => new VideoStageDoc(gil.provider('public').document).seats().length === 1)
    setHand(outboxDoc(gil), true)
    await waitFor(() => queue(host).length === 1, 15_000, 'queued')
    const res = await request<{ invitedToStage: boolean }>(
      `${server.url}/api/sessions/${session.id}/hands/${gil.identity.userId}/call`,
      { method: 'POST', token: session.hostToken },
    )
    expect(res.body.invitedToStage).toBe(true)
    await waitFor(() => callNotice(outboxDoc(gil))?.stageInvite != null, 15_000, 'invite')
    const link = callNotice(outboxDoc(gil))!.stageInvite!
    const token = link.split('/i/')[1]!
    // The link is a working presenter invite: accepting it makes a presenter.
    const accepted = await request<{ role: string }>(`${server.url}/api/invites/accept`, {
      body: { invite: token, name: 'Gil' },
    })
    expect(accepted.status).toBe(200)
    expect(accepted.body.role).toBe('presenter')
    // The public document says they were invited, never the link.
    expect(JSON.stringify(gil.provider('public').document.toJSON())).not.toContain(token)
  })

  it('[HAND-CALL-3] bad calls: an attendee may not call on anyone; a hand not raised is 404', async () => {
    const session = await createSession(server.url)
    const hal = await join(server.url, session.code, 'Hal')
    const asAttendee = await request(
      `${server.url}/api/sessions/${session.id}/hands/${hal.userId}/call`,
      { method: 'POST', token: hal.token },
    )
    expect(asAttendee.status).toBe(403)
    expect(asAttendee.headers.get('content-type')).toMatch(/problem\+json/)
    const notRaised = await request<{ detail: string }>(
      `${server.url}/api/sessions/${session.id}/hands/${hal.userId}/call`,
      { method: 'POST', token: session.hostToken },
    )
    expect(notRaised.status).toBe(404)
    expect(notRaised.body.detail).toMatch(/no longer raised/)
    const badId = await request(`${server.url}/api/sessions/${session.id}/hands/x/call`, {
      method: 'POST',
      token: session.hostToken,
    })
    expect(badId.status).toBe(400)
    const lowered = await request(
      `${server.url}/api/sessions/${session.id}/hands/${hal.userId}/lower`,
      { method: 'POST', token: session.hostToken },
    )
    expect(lowered.status).toBe(404)
  })
}
