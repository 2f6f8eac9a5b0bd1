import {
  type Actor,
  type AuditEntry,
  ModDoc,
  type PendingItem,
  PublicDoc,
  QUESTION_DEFAULTS,
  type Receipt,
} from '@podium/shared'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { EventData } from '../src/events/types.ts'
import { carryOutDecisions, type ModerationContext } from '../src/ingest/moderation.ts'
import { type EntryAuthor, emptyBatch } from '../src/ingest/repository.ts'

/**
 * The rules of docs/ingest.md on moderators' decisions, held to `carryOutDecisions`: real
 * documents, the decisions written into the moderators' one, and the tick's output applied
 * to both. One test per rule, titled with its id.
 */

const NOW = 1_700_000_000_000
const ANN = 'user-ann-0001'
const BOB = 'user-bob-0001'
const MO: Actor = { userId: 'user-mod-0001', name: 'Mo', role: 'moderator' }
const HOST = 'user-host-001'
const Q = 'question-0001'

const item = (patch: Partial<PendingItem> & Pick<PendingItem, 'id'>): PendingItem => ({
  kind: 'question',
  questionId: null,
  text: 'Why is the sky blue?',
  authorId: ANN,
  authorName: 'Ann',
  createdAt: NOW - 60_000,
  decision: null,
  ...patch,
})

const approve = { action: 'approve' as const, by: HOST, byName: 'Host', at: NOW - 1 }
const reject = (reason?: string) => ({
  action: 'reject' as const,
  ...(reason === undefined ? {} : { reason }),
  by: HOST,
  byName: 'Host',
  at: NOW - 1,
})

/** Whose entry each item id is, as the `ingested` table would say. */
type Authors = Record<string, EntryAuthor[]>
const waiting = (userId: string, seq = 1): EntryAuthor => ({
  userId,
  seq,
  status: 'pending',
  reason: null,
  detail: null,
})

interface Setup {
  queue: PendingItem[]
  decisions: Record<string, PendingItem['decision']>
  /** Default: each item's author (or Ann, for one naming nobody) waits for it. */
  authors?: Authors
  /** The connection that delivered each decision; default Mo. Null: none (found on load). */
  actor?: (itemId: string) => Actor | null
  withdrawn?: string[]
  editedText?: Record<string, string>
  shown?: string[]
  counts?: Record<string, number>
}

/** Runs one moderation step over real documents, and applies what it wrote. */
async function run(setup: Setup) {
  const mod = new ModDoc(new Y.Doc())
  const pub = new PublicDoc(new Y.Doc())
  for (const q of setup.shown ?? [])
    pub.putQuestion({
      id: q,
      text: 'The question as published',
      authorId: ANN,
      authorName: 'Ann',
      createdAt: NOW - 120_000,
      ...QUESTION_DEFAULTS,
      labels: [],
    })
  for (const i of setup.queue) mod.enqueue(i)
  for (const [id, decision] of Object.entries(setup.decisions))
    if (decision) mod.doc.getMap('decisions').set(id, decision)
  const authors: Authors =
    setup.authors ??
    Object.fromEntries(setup.queue.map((i) => [i.id, [waiting(i.authorId ?? ANN)]]))
  const receipts: Array<{ userId: string; entryId: string; receipt: Receipt }> = []
  const events: EventData[] = []
  const audit: AuditEntry[] = []
  const batch = emptyBatch()
  const publicOps: Array<(p: PublicDoc) => void> = []
  const modOps: Array<(m: ModDoc) => void> = []
  const ctx: ModerationContext = {
    mod,
    now: NOW,
    counts: new Map(Object.entries(setup.counts ?? {})),
    withdrawn: new Set(setup.withdrawn),
    editedText: new Map(Object.entries(setup.editedText ?? {})),
    questionShown: (id) => pub.hasQuestion(id),
    authorsOf: async (id) => authors[id] ?? [],
    actor: setup.actor ?? (() => MO),
    pollReview: async (item) => {
      throw new Error(`no poll answers in these cases, got ${item.id}`)
    },
  }
  await carryOutDecisions(ctx, {
    publicOps,
    modOps,
    batch,
    audit,
    receipt: (userId, entryId, receipt) => receipts.push({ userId, entryId, receipt }),
    event: (data) => events.push(data),
  })
  for (const op of publicOps) op(pub)
  for (const op of modOps) op(mod)
  return { pub, mod, receipts, events, audit, batch }
}

describe("moderators' decisions", () => {
  it('ING-MOD-1: an approved question or reply is published with its text as it stands, and the receipt is accepted', async () => {
    const edited = item({ id: 'question-0002', text: 'Why is the sky blue at noon?' })
    const { pub, receipts, batch } = await run({
      queue: [
        item({ id: Q }),
        edited,
        item({
          id: 'reply-0001',
          kind: 'reply',
          questionId: 'question-0009',
          text: 'Rayleigh.',
          authorId: BOB,
          authorName: 'Bob',
        }),
      ],
      shown: ['question-0009'],
      decisions: { [Q]: approve, 'question-0002': approve, 'reply-0001': approve },
      authors: {
        [Q]: [waiting(ANN, 3)],
        'question-0002': [waiting(ANN)],
        'reply-0001': [waiting(BOB)],
      },
      // The author edited this one in the same tick: the edit is not in the item yet.
      editedText: { 'question-0002': 'Why is the sky blue, and not green?' },
      counts: { [Q]: 4 },
    })
    expect(pub.question(Q)).toEqual({
      id: Q,
      text: 'Why is the sky blue?',
      authorId: ANN,
      authorName: 'Ann',
      createdAt: NOW - 60_000,
      ...QUESTION_DEFAULTS,
      votes: 4,
      labels: [],
    })
    expect(pub.question('question-0002')?.text).toBe('Why is the sky blue, and not green?')
    expect(pub.replies('question-0009')).toEqual([
      {
        id: 'reply-0001',
        questionId: 'question-0009',
        text: 'Rayleigh.',
        authorId: BOB,
        authorName: 'Bob',
        authorRole: 'attendee',
        createdAt: NOW - 60_000,
        hidden: false,
      },
    ])
    expect(receipts).toEqual([
      { userId: ANN, entryId: Q, receipt: { status: 'accepted', seq: 3, at: NOW } },
      { userId: ANN, entryId: 'question-0002', receipt: { status: 'accepted', seq: 1, at: NOW } },
      { userId: BOB, entryId: 'reply-0001', receipt: { status: 'accepted', seq: 1, at: NOW } },
    ])
    expect(batch.decided.map((d) => [d.userId, d.entryId, d.status])).toEqual([
      [ANN, Q, 'accepted'],
      [ANN, 'question-0002', 'accepted'],
      [BOB, 'reply-0001', 'accepted'],
    ])
  })

  it("ING-MOD-2: an approved edit replaces its question's text, with editedAt, and the receipt is accepted", async () => {
    const { pub, receipts } = await run({
      shown: [Q],
      queue: [
        item({ id: 'edit-0001', kind: 'edit', questionId: Q, text: 'The question, sharper' }),
      ],
      decisions: { 'edit-0001': approve },
    })
    expect(pub.question(Q)).toMatchObject({ text: 'The question, sharper', editedAt: NOW })
    expect(receipts).toEqual([
      { userId: ANN, entryId: 'edit-0001', receipt: { status: 'accepted', seq: 1, at: NOW } },
    ])
  })

  it("ING-MOD-3: a rejected item moves to rejected with the reason, and the receipt says moderator-rejected with the moderator's words", async () => {
    const { pub, mod, receipts } = await run({
      queue: [item({ id: Q }), item({ id: 'question-0002', text: 'Second' })],
      decisions: { [Q]: reject('Off topic'), 'question-0002': reject() },
    })
    expect(pub.questions()).toEqual([])
    expect(mod.rejected().find((r) => r.id === Q)).toEqual({
      id: Q,
      kind: 'question',
      questionId: null,
      text: 'Why is the sky blue?',
      authorId: ANN,
      authorName: 'Ann',
      createdAt: NOW - 60_000,
      reason: 'Off topic',
      by: MO.userId,
      at: NOW,
    })
    expect(receipts).toEqual([
      {
        userId: ANN,
        entryId: Q,
        receipt: {
          status: 'rejected',
          seq: 1,
          at: NOW,
          reason: 'moderator-rejected',
          detail: 'Off topic',
        },
      },
      {
        userId: ANN,
        entryId: 'question-0002',
        receipt: { status: 'rejected', seq: 1, at: NOW, reason: 'moderator-rejected' },
      },
    ])
  })

  it('ING-MOD-4: a decided item and its decision leave the queue, and so does a decision whose item is gone', async () => {
    const { mod } = await run({
      queue: [item({ id: Q }), item({ id: 'question-0002' }), item({ id: 'question-0003' })],
      decisions: {
        [Q]: approve,
        'question-0002': reject('No'),
        'already-gone-01': approve,
      },
    })
    expect(mod.queue().map((i) => i.id)).toEqual(['question-0003'])
    expect([...mod.doc.getMap('decisions').keys()]).toEqual([])
    expect(mod.staleDecisions()).toEqual([])
  })

  it("ING-MOD-5: the audit log names the connection that delivered the decision, not the decision's by", async () => {
    const { audit, mod } = await run({
      queue: [item({ id: Q }), item({ id: 'question-0002' })],
      decisions: { [Q]: approve, 'question-0002': reject('Rude') },
    })
    expect(audit).toEqual([
      {
        at: NOW,
        actorId: MO.userId,
        actorName: 'Mo',
        actorRole: 'moderator',
        action: 'approve-question',
        targetId: Q,
      },
      {
        at: NOW,
        actorId: MO.userId,
        actorName: 'Mo',
        actorRole: 'moderator',
        action: 'reject-question',
        targetId: 'question-0002',
        detail: 'Rude',
      },
    ])
    expect(mod.rejected()[0]?.by).toBe(MO.userId)
  })

  it('ING-MOD-6: a decision no connection delivered (found in a loaded document) is recorded with no actor', async () => {
    const { audit, mod, receipts } = await run({
      queue: [item({ id: Q }), item({ id: 'question-0002' })],
      decisions: { [Q]: approve, 'question-0002': reject('Rude') },
      actor: () => null,
    })
    expect(audit.map((a) => [a.action, a.actorId, a.actorName, a.actorRole])).toEqual([
      ['approve-question', null, null, null],
      ['reject-question', null, null, null],
    ])
    expect(mod.rejected()[0]?.by).toBeNull()
    // It is carried out all the same.
    expect(receipts.map((r) => r.receipt.status)).toEqual(['accepted', 'rejected'])
  })

  it('ING-MOD-7: a decision counts only while the database has its item as pending; a later one is dropped', async () => {
    const decidedBefore: EntryAuthor = { ...waiting(ANN), status: 'accepted' }
    const { pub, mod, receipts, audit, batch } = await run({
      queue: [item({ id: Q })],
      decisions: { [Q]: reject('Too late') },
      authors: { [Q]: [decidedBefore] },
    })
    expect(receipts).toEqual([])
    expect(audit).toEqual([])
    expect(batch.decided).toEqual([])
    expect(mod.rejected()).toEqual([])
    expect(pub.questions()).toEqual([])
    expect(mod.queue()).toEqual([])
    // The same decision while it waits is carried out.
    const carried = await run({ queue: [item({ id: Q })], decisions: { [Q]: reject('In time') } })
    expect(carried.mod.rejected().map((r) => r.id)).toEqual([Q])
  })

  it('ING-MOD-8: the receipt goes to the user whose entry waits for the item; an imported item goes to the author it names, or nobody', async () => {
    const nameless = item({ id: Q, authorId: null, authorName: null })
    // Mallory's entry with the same id was refused as id-taken: the receipt is not hers.
    const mallory: EntryAuthor = {
      ...waiting('user-mal-0001'),
      status: 'rejected',
      reason: 'id-taken',
    }
    const named = item({ id: 'question-0002', authorId: BOB, authorName: 'Bob' })
    const bobs = await run({
      queue: [nameless, named],
      decisions: { [Q]: approve, 'question-0002': approve },
      authors: {
        [Q]: [mallory, waiting(ANN, 2)],
        'question-0002': [mallory, waiting(BOB)],
      },
    })
    expect(bobs.receipts.map((r) => [r.userId, r.entryId, r.receipt.seq])).toEqual([
      [ANN, Q, 2],
      [BOB, 'question-0002', 1],
    ])
    expect(bobs.pub.question(Q)).toMatchObject({ authorId: null, authorName: null })

    // Items that came with an imported session: nobody's entry waits for them.
    const imported = await run({
      queue: [
        item({ id: Q, authorId: null, authorName: null }),
        item({ id: 'question-0002', authorId: 'imported-author', authorName: 'Cleo' }),
      ],
      decisions: { [Q]: approve, 'question-0002': approve },
      authors: {},
    })
    expect(
      imported.pub
        .questions()
        .map((q) => q.id)
        .sort(),
    ).toEqual([Q, 'question-0002'])
    expect(imported.receipts.map((r) => [r.userId, r.entryId])).toEqual([
      ['imported-author', 'question-0002'],
    ])
  })

  it('ING-MOD-9: a decision on an item its author withdrew is dropped', async () => {
    const { pub, mod, receipts, audit } = await run({
      queue: [item({ id: Q }), item({ id: 'question-0002' })],
      decisions: { [Q]: approve, 'question-0002': approve },
      withdrawn: [Q],
    })
    expect(pub.questions().map((q) => q.id)).toEqual(['question-0002'])
    expect(receipts.map((r) => r.entryId)).toEqual(['question-0002'])
    expect(audit.map((a) => a.targetId)).toEqual(['question-0002'])
    expect(mod.queue()).toEqual([])
  })

  it('ING-MOD-10: a reply or an edit approved after its question left is refused as not-found', async () => {
    const orphans = [
      item({ id: 'reply-0001', kind: 'reply', questionId: Q, text: 'Rayleigh.' }),
      item({ id: 'edit-0001', kind: 'edit', questionId: Q, text: 'Sharper' }),
    ]
    const gone = await run({
      queue: orphans,
      decisions: { 'reply-0001': approve, 'edit-0001': approve },
    })
    expect(gone.pub.replies()).toEqual([])
    expect(gone.pub.questions()).toEqual([])
    expect(gone.receipts.map((r) => [r.entryId, r.receipt.status, r.receipt.reason])).toEqual([
      ['reply-0001', 'rejected', 'not-found'],
      ['edit-0001', 'rejected', 'not-found'],
    ])
    // With the question there, both are carried out.
    const there = await run({
      shown: [Q],
      queue: orphans,
      decisions: { 'reply-0001': approve, 'edit-0001': approve },
    })
    expect(there.pub.replies(Q).map((r) => r.id)).toEqual(['reply-0001'])
    expect(there.pub.question(Q)?.text).toBe('Sharper')
    expect(there.receipts.map((r) => r.receipt.status)).toEqual(['accepted', 'accepted'])
  })
})
