import { documentName, voteEntryId } from '@podium/shared'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestPodium } from '../../test-support/podium.ts'
import { HeldBroadcasts } from '../src/ingest/hold.ts'
import { createSession, join, type TestClient, waitFor } from './helpers/clients.ts'
import { startTwoInstances, type TwoInstances } from './helpers/two-instances.ts'

// One attendee's outbox loaded on two instances at once (two devices, or a client that
// reconnected to the other instance while the first still holds the document): each
// instance decides what reaches it from its own sockets, and what one decided must not be
// undone, nor decided again, by the other, which read the attendee's state earlier.
let instances: TwoInstances
let one: TestPodium
let two: TestPodium
let db: pg.Client

beforeAll(async () => {
  instances = await startTwoInstances()
  ;({ one, two, db } = instances)
})

afterAll(async () => {
  await instances?.close()
})

const client: TwoInstances['client'] = (server, identity, withMod) =>
  instances.client(server, identity, withMod)

/** Whether the votes table has this user's vote on the question. */
async function voted(sessionId: string, userId: string, questionId: string): Promise<boolean> {
  const { rows } = await db.query(
    'select 1 from votes where session_id = $1 and user_id = $2 and question_id = $3',
    [sessionId, userId, questionId],
  )
  return rows.length > 0
}

/** The attendee's devices: one on each instance, both synced with what the other wrote. */
async function twoDevices() {
  const session = await createSession(one.url)
  const identity = await join(one.url, session.code, 'Alice')
  const onOne = client(one, identity)
  const onTwo = client(two, identity)
  await Promise.all([onOne.synced(), onTwo.synced()])
  // Each instance decides an entry of the attendee's, so each has read their state (their
  // decisions and votes) from the database by now.
  const asked = async (device: TestClient, text: string) => {
    const { questionId } = device.outbox.ask(text)
    await waitFor(
      () => device.outbox.receipt(questionId)?.status === 'accepted',
      15_000,
      `"${text}" accepted`,
    )
    return questionId
  }
  const questionId = await asked(onOne, 'Which instance decides?')
  await asked(onTwo, 'And which one decides this?')
  await waitFor(() => onTwo.public.hasQuestion(questionId), 15_000, 'the question on two')
  return { session, identity, onOne, onTwo, questionId }
}

/**
 * A vote from this device, once the other device's last version of it (`after`, 0 for none)
 * has arrived here; returns its version once receipted.
 */
async function voteFrom(device: TestClient, questionId: string, up: boolean, after: number) {
  const id = voteEntryId(questionId)
  await waitFor(
    () => (device.outbox.entry(id)?.seq ?? 0) === after,
    15_000,
    `vote version ${after} on this device`,
  )
  device.outbox.vote(questionId, up)
  const seq = device.outbox.entry(id)?.seq ?? 0
  expect(seq).toBeGreaterThan(after)
  await waitFor(() => device.outbox.receipt(id)?.seq === seq, 15_000, `vote ${seq} receipted`)
  expect(device.outbox.receipt(id)?.status).toBe('accepted')
  return seq
}

describe('an outbox loaded on two instances', () => {
  it('ING-VOTE-4: votes decided on either agree with the votes table, the tallies and the receipts', async () => {
    const { session, identity, onOne, onTwo, questionId } = await twoDevices()
    const everyone = [onOne, onTwo]
    const tallied = (n: number, what: string) =>
      Promise.all(
        everyone.map((c) =>
          waitFor(() => c.public.question(questionId)?.votes === n, 15_000, what),
        ),
      )

    // Up on one: instance two read the attendee's votes (none) before this.
    const first = await voteFrom(onOne, questionId, true, 0)
    expect(await voted(session.id, identity.userId, questionId)).toBe(true)
    await tallied(1, 'one vote everywhere')

    // Taken back on two, which still believed there was no vote to take back.
    const second = await voteFrom(onTwo, questionId, false, first)
    await tallied(0, 'no vote everywhere')
    expect(await voted(session.id, identity.userId, questionId)).toBe(false)

    // Up again on one, which still believes the vote is there.
    await voteFrom(onOne, questionId, true, second)
    await tallied(1, 'one vote everywhere again')
    expect(await voted(session.id, identity.userId, questionId)).toBe(true)

    // And the tallies stay so (a second look after any read-back of the counts).
    await new Promise((r) => setTimeout(r, 600))
    for (const c of everyone) expect(c.public.question(questionId)?.votes).toBe(1)
  })

  it('ING-ONCE-1: an entry decided on one instance is not decided again on the other', async () => {
    const { session, identity, onOne, onTwo } = await twoDevices()
    // Asked on one after instance two read the attendee's decisions.
    const { entryId } = onOne.outbox.ask('Decided once, wherever it is seen')
    await waitFor(
      () => onTwo.outbox.receipt(entryId)?.status === 'accepted',
      15_000,
      'the ask accepted, seen on two',
    )
    // The device on two writes a receipt of its own for it, which makes instance two look at
    // the entry again: it must restore the receipt, not decide the ask a second time (its id
    // is taken by now: by the very question it asked).
    onTwo.outbox.setReceipt(entryId, { status: 'rejected', seq: 1, at: 0, reason: 'invalid' })
    await waitFor(
      () => onTwo.outbox.receipt(entryId)?.reason !== 'invalid',
      15_000,
      'the receipt written again',
    )
    expect(onTwo.outbox.receipt(entryId)).toMatchObject({ status: 'accepted', seq: 1 })
    const { rows } = await db.query<{ status: string; reason: string | null }>(
      'select status, reason from ingested where session_id = $1 and user_id = $2 and entry_id = $3',
      [session.id, identity.userId, entryId],
    )
    expect(rows).toEqual([{ status: 'accepted', reason: null }])
    expect(onOne.public.hasQuestion(entryId)).toBe(true)
    expect(onOne.outbox.receipt(entryId)?.status).toBe('accepted')
  })
})

describe('changes one instance holds back until they are stored', () => {
  it('reach the other instance only once released, however the other asks for them', async () => {
    const { session, onOne, onTwo } = await twoDevices()
    const name = documentName.public(session.id)
    const doc = one.podium.services.hocuspocus.documents.get(name)!
    const held = new HeldBroadcasts()
    held.hold(doc)
    try {
      // A change as a tick writes it, not stored yet.
      doc.transact(() => doc.getMap('meta').set('heldMark', 'uncommitted'))
      // The other instance's clients write meanwhile: instance two publishes its state
      // vector, and instance one's answer would carry everything two lacks.
      const host = client(two, {
        sessionId: session.id,
        userId: session.hostUserId,
        token: session.hostToken,
      })
      await host.synced()
      host.public.doc.getMap('meta').set('hostMark', 'written on two')
      await new Promise((r) => setTimeout(r, 1000))
      expect(host.public.doc.getMap('meta').get('heldMark')).toBeUndefined()
      expect(onTwo.public.doc.getMap('meta').get('heldMark')).toBeUndefined()
    } finally {
      held.release()
    }
    // Released: each has the other's (two's change waited on one meanwhile).
    await waitFor(
      () =>
        onTwo.public.doc.getMap('meta').get('heldMark') === 'uncommitted' &&
        onOne.public.doc.getMap('meta').get('hostMark') === 'written on two',
      15_000,
      'both changes on both',
    )
  })
})
