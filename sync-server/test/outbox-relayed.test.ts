import { documentName, OutboxDoc } from '@podium/shared'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestPodium } from '../../test-support/podium.ts'
import { RELAYED_GRACE_MS } from '../src/ingest/relayed.ts'
import { createSession, join, waitFor } from './helpers/clients.ts'
import { startTwoInstances, type TwoInstances } from './helpers/two-instances.ts'

// An entry reaches one instance from its author's socket and is relayed to another that has
// the outbox loaded too; the first stops before deciding it (a drain stops its ingest
// before it lets its sockets go). The author's devices are synced with the second instance,
// which already has the entry, so nothing they send marks it there: the second instance
// must decide it itself.
let instances: TwoInstances
let stopping: TestPodium
let staying: TestPodium
let db: pg.Client

beforeAll(async () => {
  instances = await startTwoInstances()
  ;({ one: stopping, two: staying, db } = instances)
})

afterAll(async () => {
  await instances?.close()
})

const client: TwoInstances['client'] = (server, identity, withMod) =>
  instances.client(server, identity, withMod)

describe('entries relayed by an instance that stopped before deciding them', () => {
  it('ING-ONCE-4: are decided by the instance that has them, once', async () => {
    const session = await createSession(stopping.url)
    const identity = await join(stopping.url, session.code, 'Tess')
    const onStopping = client(stopping, identity)
    const onStaying = client(staying, identity)
    await Promise.all([onStopping.synced(), onStaying.synced()])
    const { questionId } = onStopping.outbox.ask('Asked while both instances decide')
    await waitFor(
      () => onStaying.public.hasQuestion(questionId),
      15_000,
      'the question decided and seen on the other instance',
    )

    await stopping.podium.ingest.stop()
    const voteId = onStopping.outbox.vote(questionId, true)
    const vote = { seq: onStopping.outbox.entry(voteId)?.seq }
    const ask = onStopping.outbox.ask('Asked as the first instance stopped')
    await waitFor(
      () =>
        onStaying.outbox.entry(voteId)?.seq === vote.seq && !!onStaying.outbox.entry(ask.entryId),
      15_000,
      'both entries relayed to the other instance',
    )

    await waitFor(
      () =>
        onStaying.outbox.receipt(voteId)?.seq === vote.seq &&
        onStaying.outbox.receipt(ask.entryId)?.status === 'accepted',
      RELAYED_GRACE_MS + 10_000,
      'both entries decided by the instance that stayed',
    )
    expect(onStaying.outbox.receipt(voteId)?.status).toBe('accepted')
    await waitFor(() => onStaying.public.hasQuestion(ask.questionId), 15_000, 'the ask published')
    await waitFor(
      () => onStaying.public.question(questionId)?.votes === 1,
      15_000,
      'the vote counted',
    )
    const votes = await db.query(
      'select 1 from votes where session_id = $1 and user_id = $2 and question_id = $3',
      [session.id, identity.userId, questionId],
    )
    expect(votes.rows).toHaveLength(1)
    const decided = await db.query<{ status: string }>(
      'select status from ingested where session_id = $1 and user_id = $2 and entry_id = $3',
      [session.id, identity.userId, ask.entryId],
    )
    expect(decided.rows).toEqual([{ status: 'accepted' }])

    // A receipt of an older version written on the stopping instance (one it made at the
    // same time as the other's, say, and that won) reaches the other through Redis: the
    // receipt no longer says the entry's version, and is written again.
    const name = documentName.outbox(session.id, identity.userId)
    const copy = stopping.podium.services.hocuspocus.documents.get(name)
    expect(copy).toBeDefined()
    new OutboxDoc(copy!).setReceipt(voteId, { status: 'accepted', seq: 1, at: Date.now() })
    await waitFor(
      () => onStaying.outbox.receipt(voteId)?.seq === 1,
      15_000,
      'the older receipt relayed',
    )
    await waitFor(
      () => onStaying.outbox.receipt(voteId)?.seq === vote.seq,
      RELAYED_GRACE_MS + 10_000,
      'the receipt of the entry version written again',
    )
  })
})
