import { Document } from '@hocuspocus/server'
import {
  documentName,
  ModDoc,
  OutboxDoc,
  type OutboxEntry,
  PublicDoc,
  voteEntryId,
} from '@podium/shared'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Db, openDatabase } from '../src/db/connect.ts'
import { decideOutboxes } from '../src/ingest/outbox-step.ts'
import { TickPlan } from '../src/ingest/plan.ts'
import { emptyBatch, IngestRepository, type Stored } from '../src/ingest/repository.ts'
import { Tallies } from '../src/ingest/tallies.ts'
import { RATES, UserRates } from '../src/ingest/user-rates.ts'
import { createMetrics } from '../src/observability/metrics.ts'
import { PollTick } from '../src/polls/poll-tick.ts'

/**
 * The rules of docs/ingest.md whose outcome the outbox step carries out (outbox-step.ts):
 * real documents, the repository on an in-memory SQLite database, and each tick's plan
 * applied and stored as the ingest does. One test per rule, titled with its id.
 */

const SESSION = 'session-rules-01'
const ANN = 'user-ann-0001'
const BOB = 'user-bob-0001'
const T = 1_700_000_000_000

let db: Db
let repo: IngestRepository
let pub: PublicDoc
let mod: ModDoc
let tallies: Tallies
let rates: UserRates
let outboxes: Map<string, Document>
let now: number
const metrics = createMetrics(() => undefined)

beforeEach(async () => {
  db = await openDatabase({ kind: 'sqlite', file: ':memory:' })
  repo = new IngestRepository(db)
  const pubDoc = new Document(documentName.public(SESSION))
  pub = new PublicDoc(pubDoc)
  mod = new ModDoc(new Document(documentName.mod(SESSION)))
  tallies = new Tallies({
    sessionId: SESSION,
    repo,
    store: (batch) => repo.commit(SESSION, batch),
    afterRunning: (work) => void work(),
    withPublic: (use) => use(pubDoc),
    stopped: () => false,
  })
  rates = new UserRates(100, () => now)
  outboxes = new Map()
  now = T
})
afterEach(async () => {
  tallies.stop()
  await db.close()
})

function outbox(userId: string): OutboxDoc {
  let doc = outboxes.get(userId)
  if (!doc) {
    doc = new Document(documentName.outbox(SESSION, userId))
    outboxes.set(userId, doc)
  }
  return new OutboxDoc(doc)
}

/** Writes entries into a user's outbox as their client would. */
function write(userId: string, ...entries: OutboxEntry[]): void {
  const entriesMap = outbox(userId).doc.getMap('entries')
  outbox(userId).doc.transact(() => {
    for (const entry of entries) entriesMap.set(entry.id, entry)
  })
}

/** One tick of the outbox step over these users (all of each outbox, or the ids given). */
async function tick(users: Array<[string, Set<string> | 'all']>): Promise<TickPlan> {
  now += 1_000
  const plan = new TickPlan(SESSION, now, [])
  const counts = await tallies.begin(pub)
  await decideOutboxes(
    users,
    {
      pub,
      mod,
      counts,
      tallies,
      polls: new PollTick(new Map(), new Map(), false),
      rates,
      metrics,
      outbox: (userId) => outboxes.get(userId),
      userState: (userId) => repo.loadUser(SESSION, userId),
      authorsOf: (ids) => repo.authorsOf(SESSION, ids),
    },
    plan,
  )
  tallies.write(counts, plan.publicOps)
  for (const op of plan.publicOps) op(pub)
  for (const op of plan.modOps) op(mod)
  for (const [userId, receipts] of plan.receipts)
    for (const [entryId, receipt] of receipts) outbox(userId).setReceipt(entryId, receipt)
  lastStored = await repo.commit(SESSION, plan.batch)
  tallies.afterCommit(counts, plan.votes, lastStored)
  tallies.stored(counts)
  return plan
}
/** What the last tick's commit changed. */
let lastStored: Stored

let made = 0
const at = () => T - 100_000 + made++
const ask = (id: string, text = 'When is the break?'): OutboxEntry => ({
  type: 'ask',
  id,
  seq: 1,
  createdAt: at(),
  questionId: id,
  text,
  anonymous: false,
})
const reply = (id: string, questionId: string, text = 'Around eleven.'): OutboxEntry => ({
  type: 'reply',
  id,
  seq: 1,
  createdAt: at(),
  replyId: id,
  questionId,
  text,
  anonymous: false,
})
const vote = (questionId: string, up: boolean, seq: number): OutboxEntry => ({
  type: 'vote',
  id: voteEntryId(questionId),
  seq,
  createdAt: at(),
  questionId,
  up,
})

async function tally(questionId: string): Promise<number> {
  return (await repo.voteCounts(SESSION)).get(questionId) ?? 0
}

/** The `vote.counted` events stored. */
async function countedEvents(): Promise<number> {
  const rows = await db.kysely
    .selectFrom('domain_events')
    .select('seq')
    .where('type', '=', 'vote.counted')
    .execute()
  return rows.length
}

describe('the outbox step', () => {
  it('ING-ANY-1: past 5,000 entries an outbox takes only votes: everything else is outbox-full, before any other rule', async () => {
    pub.setMeta({ status: 'live' })
    write(ANN, ask('question-0001'))
    await tick([[ANN, 'all']])
    // 4,998 entries the ingest has seen, then an ask and a vote: 5,000, still taken.
    const filler = (i: number): OutboxEntry => ({
      type: 'withdraw',
      id: `filler-${i}`,
      seq: 1,
      createdAt: at(),
      questionId: 'question-0001',
    })
    const entries = outbox(ANN).doc.getMap('entries')
    outbox(ANN).doc.transact(() => {
      for (let i = 0; entries.size < 4_998; i++) entries.set(`filler-${i}`, filler(i))
    })
    write(ANN, ask('question-0002'), vote('question-0001', true, 1))
    expect(outbox(ANN).entryCount()).toBe(5_000)
    await tick([[ANN, new Set(['question-0002', voteEntryId('question-0001')])]])
    expect(outbox(ANN).receipt('question-0002')?.status).toBe('accepted')

    // One more: 5,001, and it is refused; a vote still counts.
    write(ANN, ask('question-0003'))
    expect(outbox(ANN).entryCount()).toBe(5_001)
    await tick([[ANN, new Set(['question-0003'])]])
    expect(outbox(ANN).receipt('question-0003')).toMatchObject({
      status: 'rejected',
      reason: 'outbox-full',
    })
    expect(pub.hasQuestion('question-0003')).toBe(false)
    write(ANN, vote('question-0002', true, 1))
    await tick([[ANN, new Set([voteEntryId('question-0002')])]])
    expect(outbox(ANN).receipt(voteEntryId('question-0002'))?.status).toBe('accepted')
    expect(await tally('question-0002')).toBe(1)
    // It comes before every other rule: in an ended session too it is outbox-full.
    pub.setMeta({ status: 'ended' })
    write(ANN, ask('question-0004'))
    await tick([[ANN, new Set(['question-0004'])]])
    expect(outbox(ANN).receipt('question-0004')?.reason).toBe('outbox-full')
  })

  it('ING-WDR-4: a withdrawal takes the question and its replies from the public document, or the item from the queue, even with Q&A closed and no allowance left', async () => {
    write(ANN, ask('question-0001'))
    await tick([[ANN, 'all']])
    const replyId = outbox(BOB).reply('question-0001', 'Around eleven.')
    await tick([[BOB, 'all']])
    expect(pub.replies('question-0001').map((r) => r.id)).toEqual([replyId])

    pub.setSettings({ preModeration: true })
    write(ANN, ask('question-0002'))
    await tick([[ANN, 'all']])
    expect(mod.pending('question-0002')?.kind).toBe('question')

    pub.setSettings({ qaOpen: false })
    for (let i = 0; i < RATES.post.burst; i++) rates.allow(ANN, 'post')
    const first = outbox(ANN).withdraw('question-0001')
    const second = outbox(ANN).withdraw('question-0002')
    const plan = await tick([[ANN, new Set([first, second])]])
    // Each says so as an event: analytics stops counting the queued one as waiting.
    expect(
      plan.batch.events
        .filter((e) => e.type === 'question.withdrawn')
        .map((e) => ('queued' in e ? [e.questionId, e.queued] : null)),
    ).toEqual([
      ['question-0001', false],
      ['question-0002', true],
    ])
    expect(outbox(ANN).receipt(first)?.status).toBe('accepted')
    expect(outbox(ANN).receipt(second)?.status).toBe('accepted')
    expect(pub.hasQuestion('question-0001')).toBe(false)
    expect(pub.replies()).toEqual([])
    expect(mod.pending('question-0002')).toBeUndefined()
  })

  it('ING-VOTE-4: a vote that passes adds or removes the user’s row in the votes table, and the count follows', async () => {
    write(ANN, ask('question-0001'))
    await tick([[ANN, 'all']])
    write(ANN, vote('question-0001', true, 1))
    write(BOB, vote('question-0001', true, 1))
    await tick([
      [ANN, 'all'],
      [BOB, 'all'],
    ])
    expect(await tally('question-0001')).toBe(2)
    expect(pub.voteCount('question-0001')).toBe(2)
    expect(outbox(BOB).receipt(voteEntryId('question-0001'))?.status).toBe('accepted')

    write(BOB, vote('question-0001', false, 2))
    await tick([[BOB, 'all']])
    expect(await tally('question-0001')).toBe(1)
    expect(pub.voteCount('question-0001')).toBe(1)
    expect((await repo.loadUser(SESSION, BOB)).votes.has('question-0001')).toBe(false)
    expect((await repo.loadUser(SESSION, ANN)).votes.has('question-0001')).toBe(true)
  })

  it('ING-VOTE-5: a vote that is already so changes nothing, and is accepted', async () => {
    write(ANN, ask('question-0001'))
    await tick([[ANN, 'all']])
    write(ANN, vote('question-0001', true, 1))
    await tick([[ANN, 'all']])
    expect(await tally('question-0001')).toBe(1)

    // Up again (a second device, say), and a take-back from someone who never voted.
    write(ANN, vote('question-0001', true, 2))
    write(BOB, vote('question-0001', false, 1))
    const plan = await tick([
      [ANN, 'all'],
      [BOB, 'all'],
    ])
    // Decided against the table: asked for, counted by nobody, and no row changed.
    expect(plan.votes).toEqual([
      { userId: ANN, questionId: 'question-0001', up: true, counted: false },
      { userId: BOB, questionId: 'question-0001', up: false, counted: false },
    ])
    expect(lastStored.votesAdded).toEqual([])
    expect(lastStored.votesRemoved).toEqual([])
    expect(plan.batch.events.filter((e) => e.type === 'vote.counted')).toHaveLength(2)
    expect(await countedEvents()).toBe(1)
    expect(await tally('question-0001')).toBe(1)
    expect(pub.voteCount('question-0001')).toBe(1)
    expect(outbox(ANN).receipt(voteEntryId('question-0001'))).toMatchObject({
      status: 'accepted',
      seq: 2,
    })
    expect(outbox(BOB).receipt(voteEntryId('question-0001'))?.status).toBe('accepted')
  })

  it("ING-RCPT-2: a receipt's at is the server's clock, and its seq the entry version it answers", async () => {
    const late = { ...ask('question-0001'), createdAt: T + 10_000_000, seq: 3 }
    write(ANN, late)
    const plan = await tick([[ANN, 'all']])
    expect(outbox(ANN).receipt('question-0001')).toEqual({
      status: 'accepted',
      seq: 3,
      at: plan.now,
    })
    expect(plan.now).not.toBe(late.createdAt)
    expect(pub.question('question-0001')?.createdAt).toBe(plan.now)
  })
})

/** What staff or the server wrote into the documents directly: in no one's outbox. */
function staffWrote(): void {
  pub.putQuestion({
    id: 'staff-question',
    text: 'Asked at the door, typed in by the host',
    authorId: null,
    authorName: null,
    createdAt: T,
    editedAt: null,
    status: 'published',
    pinned: false,
    pinnedAt: null,
    answered: false,
    answeredAt: null,
    votes: 0,
    labels: [],
  })
  pub.putReply({
    id: 'staff-reply',
    questionId: 'staff-question',
    text: 'We will come back to this',
    authorId: 'user-host-001',
    authorName: 'Host',
    authorRole: 'host',
    createdAt: T,
    hidden: false,
  })
  const queued = {
    kind: 'question' as const,
    questionId: null,
    text: 'Waiting for review',
    authorId: null,
    authorName: null,
    createdAt: T,
  }
  mod.enqueue({ ...queued, id: 'queued-item', decision: null })
  mod.putRejected({ ...queued, id: 'rejected-item', reason: 'Off topic', by: null, at: T })
}

describe('ids already used', () => {
  it('ING-ID-1: a question or a reply in the public document keeps its id: a new one under it is id-taken', async () => {
    staffWrote()
    const before = pub.question('staff-question')
    write(ANN, ask('staff-question', 'Mine now'), ask('question-0001'))
    write(ANN, reply('staff-reply', 'staff-question', 'Mine now'))
    await tick([[ANN, 'all']])
    expect(outbox(ANN).receipt('staff-question')).toMatchObject({ reason: 'id-taken' })
    expect(outbox(ANN).receipt('staff-reply')).toMatchObject({ reason: 'id-taken' })
    expect(pub.question('staff-question')).toEqual(before)
    expect(pub.replies('staff-question').map((r) => r.text)).toEqual(['We will come back to this'])
    // An id nothing uses is taken up.
    expect(outbox(ANN).receipt('question-0001')?.status).toBe('accepted')
  })

  it("ING-ID-2: an item queued or rejected in the moderators' document keeps its id", async () => {
    staffWrote()
    pub.setSettings({ preModeration: true })
    write(ANN, ask('queued-item', 'Mine now'), ask('rejected-item', 'Mine now'))
    write(ANN, ask('question-0001'))
    await tick([[ANN, 'all']])
    expect(outbox(ANN).receipt('queued-item')).toMatchObject({ reason: 'id-taken' })
    expect(outbox(ANN).receipt('rejected-item')).toMatchObject({ reason: 'id-taken' })
    expect(mod.pending('queued-item')?.text).toBe('Waiting for review')
    expect(mod.rejected().map((r) => [r.id, r.text])).toEqual([
      ['rejected-item', 'Waiting for review'],
    ])
    expect(outbox(ANN).receipt('question-0001')?.status).toBe('pending')
  })

  it('ING-ID-3: an id that a question, reply or queued item decided earlier in the same tick has is taken', async () => {
    write(ANN, ask('question-0001', "Ann's question"))
    await tick([[ANN, 'all']])
    // In one tick: Ann's ask and reply are decided first, then Bob's under the same ids.
    write(ANN, ask('question-0002', "Ann's second"), reply('reply-0001', 'question-0001', 'Ann'))
    write(BOB, ask('question-0002', "Bob's"), reply('reply-0001', 'question-0001', 'Bob'))
    await tick([
      [ANN, 'all'],
      [BOB, 'all'],
    ])
    expect(outbox(BOB).receipt('question-0002')).toMatchObject({ reason: 'id-taken' })
    expect(outbox(BOB).receipt('reply-0001')).toMatchObject({ reason: 'id-taken' })
    expect(pub.question('question-0002')?.text).toBe("Ann's second")
    expect(pub.replies('question-0001').map((r) => r.text)).toEqual(['Ann'])
    // Queued items likewise.
    pub.setSettings({ preModeration: true })
    write(ANN, ask('question-0003', "Ann's queued"))
    write(BOB, ask('question-0003', "Bob's queued"))
    await tick([
      [ANN, 'all'],
      [BOB, 'all'],
    ])
    expect(outbox(BOB).receipt('question-0003')).toMatchObject({ reason: 'id-taken' })
    expect(mod.pending('question-0003')?.text).toBe("Ann's queued")
  })

  it('ING-ID-5: questions, replies and queued items share one set of ids', async () => {
    staffWrote()
    write(ANN, reply('staff-question', 'staff-question', 'A reply under a question id'))
    write(ANN, ask('staff-reply', 'A question under a reply id'))
    write(ANN, reply('queued-item', 'staff-question', 'A reply under a queued item id'))
    await tick([[ANN, 'all']])
    for (const id of ['staff-question', 'staff-reply', 'queued-item'])
      expect(outbox(ANN).receipt(id), id).toMatchObject({ status: 'rejected', reason: 'id-taken' })
    expect(pub.questions().map((q) => q.id)).toEqual(['staff-question'])
    expect(pub.replies().map((r) => r.id)).toEqual(['staff-reply'])
  })
})

describe('votes', () => {
  it('ING-ONCE-3: a vote is a row keyed by session, question and user; the tally is the rows plus an imported tally', async () => {
    const up = (userId: string) => ({ ...emptyBatch(), votesAdded: [{ userId, questionId: 'q1' }] })
    // The same user's vote stored twice (two ticks, two instances) is one row.
    await repo.commit(SESSION, up(ANN))
    await repo.commit(SESSION, up(ANN))
    await repo.commit(SESSION, up(BOB))
    await repo.commit('another-session', up(ANN))
    expect(await tally('q1')).toBe(2)
    await db.kysely
      .insertInto('imported_votes')
      .values({ session_id: SESSION, question_id: 'q1', votes: 40 })
      .execute()
    expect(await tally('q1')).toBe(42)
    await repo.commit(SESSION, {
      ...emptyBatch(),
      votesRemoved: [{ userId: ANN, questionId: 'q1' }],
    })
    expect(await tally('q1')).toBe(41)
    expect((await repo.voteCounts('another-session')).get('q1')).toBe(1)
  })
})
