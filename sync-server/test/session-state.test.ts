import { documentName, ModDoc, remainingMs } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPodium, type TestPodium } from '../../test-support/podium.ts'
import { PRESENCE_PUBLISH_MS } from '../src/ingest/presence.ts'
import { auditLog, createSession, join, TestClient, waitFor } from './helpers/clients.ts'

let server: TestPodium
const clients: TestClient[] = []
beforeAll(async () => {
  server = await startPodium({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' })
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await server.close()
})

/** How many ingest ticks the server has run, from /metrics. */
async function ingestTicks(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text()
  return Number(/^podium_ingest_tick_seconds_count (\d+)/m.exec(text)?.[1] ?? Number.NaN)
}

function client(identity: { sessionId: string; userId: string; token: string }, withMod = false) {
  const c = new TestClient(server.syncUrl, identity, {}, withMod)
  clients.push(c)
  return c
}

async function hostAndAttendee(settings: Record<string, unknown> = {}) {
  const session = await createSession(server.url, { title: 'State', settings })
  const host = client(
    { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
    true,
  )
  const attendee = client(await join(server.url, session.code, 'Ann'))
  await Promise.all([host.synced(), attendee.synced()])
  return { session, host, attendee }
}

describe('session state', () => {
  it('stamps timer commands with the server clock, so every client computes the same time', async () => {
    const { session, host, attendee } = await hostAndAttendee()
    const before = Date.now()
    host.public.requestTimer({
      id: 't1',
      action: 'start',
      durationMs: 60_000,
      by: session.hostUserId,
    })
    await waitFor(() => attendee.public.stage().timer.state === 'running', 15000, 'timer running')
    const timer = attendee.public.stage().timer
    expect(timer.startedAt).toBeGreaterThanOrEqual(before)
    expect(timer.startedAt).toBeLessThanOrEqual(Date.now())
    expect(host.public.pendingTimerCommand()).toBeNull()
    const now = Date.now()
    expect(Math.abs(remainingMs(timer, now) - remainingMs(host.public.stage().timer, now))).toBe(0)

    host.public.requestTimer({ id: 't2', action: 'pause', by: session.hostUserId })
    await waitFor(() => attendee.public.stage().timer.state === 'paused', 15000, 'timer paused')
    expect(attendee.public.stage().timer.elapsedMs).toBeGreaterThanOrEqual(0)
    await auditLog(server.url, { id: session.id, token: session.hostToken }, (entries) =>
      entries.some((a) => a.action === 'timer-pause'),
    )
  })

  it('counts participants from connections and lists them for moderators', async () => {
    const { session, host } = await hostAndAttendee()
    await waitFor(() => host.public.participants() === 2, 15000, 'two participants')
    const late = client(await join(server.url, session.code, 'Late'))
    await late.synced()
    await waitFor(() => host.public.participants() === 3, 15000, 'three participants')
    expect(host.mod.attendees().find((a) => a.userId === late.identity.userId)).toMatchObject({
      name: 'Late',
      online: true,
    })
    late.destroy()
    await waitFor(() => host.public.participants() === 2, 15000, 'back to two')
    await waitFor(
      () => host.mod.attendees().find((a) => a.userId === late.identity.userId)?.online === false,
      5000,
      'offline in list',
    )
  })

  it('writes presence at most once a second however fast people join, and an empty outbox costs the ingest nothing', async () => {
    const { session, host } = await hostAndAttendee()
    await waitFor(() => host.public.participants() === 2, 15000, 'two participants')
    let writes = 0
    host.public.doc.on('update', () => {
      writes++
    })
    const ticksBefore = await ingestTicks()
    const started = Date.now()
    const identities = await Promise.all(
      Array.from({ length: 20 }, (_, i) => join(server.url, session.code, `Guest ${i}`)),
    )
    const guests = identities.map((identity) => client(identity))
    await Promise.all(guests.map((g) => g.synced()))
    await waitFor(() => host.public.participants() === 22, 15000, 'twenty-two participants')
    const windows = Math.ceil((Date.now() - started) / PRESENCE_PUBLISH_MS)
    // Twenty arrivals over a few hundred milliseconds: one write per window that had any,
    // not one per arrival or per ingest tick.
    expect(writes).toBeGreaterThan(0)
    expect(writes).toBeLessThanOrEqual(windows + 1)
    // Nobody wrote anything, so the ingest ran only to write presence.
    expect((await ingestTicks()) - ticksBefore).toBeLessThanOrEqual(windows + 1)
    await waitFor(
      () => host.mod.attendees().filter((a) => a.name?.startsWith('Guest ')).length === 20,
      5000,
      'every guest listed for moderators',
    )
  })

  it("keeps the moderators' document it writes open between ticks when no moderator has it", async () => {
    const session = await createSession(server.url, { title: 'No moderator here' })
    const docs = server.podium.services.hocuspocus.documents
    const modName = documentName.mod(session.id)
    const first = client(await join(server.url, session.code, 'First'))
    await first.synced()
    await waitFor(() => docs.has(modName), 15000, "the ingest opened the moderators' document")
    const opened = docs.get(modName)!
    // Presence ticks a second or more apart each write the attendee list.
    for (const name of ['Second', 'Third']) {
      const arrival = client(await join(server.url, session.code, name))
      await arrival.synced()
      await waitFor(
        () => new ModDoc(opened).attendees().some((a) => a.name === name),
        15000,
        `${name} listed`,
      )
      expect(docs.get(modName)).toBe(opened)
    }
  })

  it('looks again at exactly what an author changed: a forged receipt is put right, a new entry decided', async () => {
    const { host, attendee } = await hostAndAttendee()
    const { entryId, questionId } = attendee.outbox.ask('First question')
    await waitFor(() => attendee.outbox.receipt(entryId)?.status === 'accepted', 15000, 'accepted')
    // The author writes a receipt of their own: the server answers with the one it decided.
    attendee.outbox.setReceipt(entryId, { status: 'rejected', seq: 1, at: 0, reason: 'invalid' })
    await waitFor(() => attendee.outbox.receipt(entryId)?.status === 'accepted', 15000, 'put right')
    // Entries written since are decided; the first question is not published twice.
    const second = attendee.outbox.ask('Second question')
    const vote = attendee.outbox.vote(questionId, true)
    await waitFor(
      () =>
        attendee.outbox.receipt(second.entryId)?.status === 'accepted' &&
        attendee.outbox.receipt(vote)?.status === 'accepted',
      15000,
      'second question and vote',
    )
    await waitFor(() => host.public.question(questionId)?.votes === 1, 15000, 'tally')
    expect(
      host.public
        .questions()
        .map((q) => q.text)
        .sort(),
    ).toEqual(['First question', 'Second question'])
  })

  it('records staff changes in the audit log under the authenticated identity', async () => {
    const { session, host, attendee } = await hostAndAttendee()
    const { questionId } = attendee.outbox.ask('Audit me')
    await waitFor(() => host.public.hasQuestion(questionId), 15000, 'question')
    host.public.updateQuestion(questionId, { pinned: true, pinnedAt: Date.now() })
    host.public.updateQuestion(questionId, { answered: true, answeredAt: Date.now() })
    host.public.setStage({ spotlightQuestionId: questionId })
    const entries = await auditLog(
      server.url,
      { id: session.id, token: session.hostToken },
      (all) => all.filter((a) => a.targetId === questionId).length >= 3,
    )
    const actions = entries.filter((a) => a.targetId === questionId)
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(['pin', 'mark-answered', 'spotlight']),
    )
    for (const entry of actions) expect(entry.actorId).toBe(session.hostUserId)
  })

  it('lets authors edit and withdraw their own questions until answered, and reply', async () => {
    const { session, host, attendee } = await hostAndAttendee()
    const other = client(await join(server.url, session.code, 'Other'))
    await other.synced()
    const { questionId } = attendee.outbox.ask('First wording')
    await waitFor(() => host.public.hasQuestion(questionId), 15000, 'question')
    const edit = attendee.outbox.edit(questionId, 'Second wording')
    const foreign = other.outbox.edit(questionId, 'Hijacked')
    other.outbox.reply(questionId, 'Good point')
    await waitFor(
      () => other.outbox.unsynced().length === 0 && attendee.outbox.unsynced().length === 0,
      5000,
      'receipts',
    )
    expect(attendee.outbox.receipt(edit)?.status).toBe('accepted')
    expect(other.outbox.receipt(foreign)).toMatchObject({ status: 'rejected', reason: 'not-yours' })
    await waitFor(
      () => host.public.question(questionId)?.text === 'Second wording',
      5000,
      'edit applied',
    )
    await waitFor(() => host.public.replies(questionId).length === 1, 15000, 'reply')
    expect(host.public.replies(questionId)[0]).toMatchObject({
      text: 'Good point',
      authorName: 'Other',
    })

    host.public.updateQuestion(questionId, { answered: true, answeredAt: Date.now() })
    await waitFor(() => attendee.public.question(questionId)?.answered === true, 15000, 'answered')
    const late = attendee.outbox.withdraw(questionId)
    await waitFor(() => attendee.outbox.receipt(late) !== undefined, 15000, 'withdraw receipt')
    expect(attendee.outbox.receipt(late)).toMatchObject({
      status: 'rejected',
      reason: 'already-answered',
    })

    const second = attendee.outbox.ask('Never mind')
    await waitFor(() => host.public.hasQuestion(second.questionId), 15000, 'second question')
    attendee.outbox.withdraw(second.questionId)
    await waitFor(() => !host.public.hasQuestion(second.questionId), 15000, 'withdrawn')
  })

  it('refuses questions when Q&A is closed or the session has ended', async () => {
    const { host, attendee } = await hostAndAttendee()
    host.public.setSettings({ qaOpen: false })
    await waitFor(() => attendee.public.settings().qaOpen === false, 15000, 'closed')
    const closed = attendee.outbox.ask('Anyone?')
    await waitFor(() => attendee.outbox.receipt(closed.entryId) !== undefined, 15000, 'receipt')
    expect(attendee.outbox.receipt(closed.entryId)).toMatchObject({
      status: 'rejected',
      reason: 'qa-closed',
    })
    host.public.setSettings({ qaOpen: true })
    host.public.setMeta({ status: 'ended' })
    await waitFor(() => attendee.public.meta().status === 'ended', 15000, 'ended')
    const ended = attendee.outbox.ask('Too late?')
    await waitFor(() => attendee.outbox.receipt(ended.entryId) !== undefined, 15000, 'receipt')
    expect(attendee.outbox.receipt(ended.entryId)).toMatchObject({
      status: 'rejected',
      reason: 'session-ended',
    })
  })
})
