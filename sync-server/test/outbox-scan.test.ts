import { Limits, type OutboxEntry, type Receipt, voteEntryId } from '@podium/shared'
import { describe, expect, it } from 'vitest'
import { type ScanItem, scanOutbox } from '../src/ingest/outbox-scan.ts'
import type { Decided, UserState } from '../src/ingest/repository.ts'

/**
 * The rules of docs/ingest.md on reading an outbox, ordering its entries and deciding each
 * once, held to `scanOutbox`, a pure function: one test per rule, titled with its id.
 */

const T = 1_700_000_000_000

function state(decided: Array<[string, Decided]> = []): UserState {
  return { decided: new Map(decided), votes: new Set(), name: 'Ann' }
}

/** Scans `entries` (key → value) against the receipts in `receipts`. */
function scan(
  entries: Array<[string, unknown]>,
  receipts: Record<string, Receipt> = {},
  user: UserState = state(),
): ScanItem[] {
  return scanOutbox(entries, (id) => receipts[id], user)
}

const ask = (id: string, patch: Record<string, unknown> = {}) => ({
  type: 'ask',
  id,
  seq: 1,
  createdAt: T,
  questionId: id,
  text: 'Is there a break?',
  anonymous: false,
  ...patch,
})
const vote = (questionId: string, patch: Record<string, unknown> = {}) => ({
  type: 'vote',
  id: voteEntryId(questionId),
  seq: 1,
  createdAt: T,
  questionId,
  up: true,
  ...patch,
})
const reply = (id: string, questionId: string, patch: Record<string, unknown> = {}) => ({
  type: 'reply',
  id,
  seq: 1,
  createdAt: T,
  replyId: id,
  questionId,
  text: 'After lunch.',
  anonymous: false,
  ...patch,
})
const edit = (id: string, questionId: string, patch: Record<string, unknown> = {}) => ({
  type: 'edit',
  id,
  seq: 1,
  createdAt: T,
  questionId,
  text: 'Is there a break, and when?',
  ...patch,
})
const withdraw = (id: string, questionId: string, patch: Record<string, unknown> = {}) => ({
  type: 'withdraw',
  id,
  seq: 1,
  createdAt: T,
  questionId,
  ...patch,
})

const keyed = (value: { id: string }): [string, unknown] => [value.id, value]
const invalid = (entryId: string, seq: number, reason = 'invalid') => ({
  kind: 'invalid',
  entryId,
  seq,
  reason,
})
const fresh = (value: unknown) => ({ kind: 'new', entry: value as OutboxEntry })

describe('reading an outbox', () => {
  it('ING-READ-1: an entry that does not parse is rejected as invalid', () => {
    const unreadable: Array<[string, unknown]> = [
      ['wrongtypes01', { ...ask('wrongtypes01'), seq: '1', text: 7 }],
      ['missing00001', { type: 'ask', id: 'missing00001', seq: 4 }],
      ['unknowntype1', { type: 'delete-everything', id: 'unknowntype1', seq: 1, createdAt: T }],
      ['blanktext001', ask('blanktext001', { text: '   ' })],
      ['badqid000001', ask('badqid000001', { questionId: 'no spaces in ids' })],
      ['number000001', 42],
      ['null00000001', null],
    ]
    expect(scan(unreadable)).toEqual([
      invalid('wrongtypes01', 0),
      invalid('missing00001', 4),
      invalid('unknowntype1', 1),
      invalid('blanktext001', 1),
      invalid('badqid000001', 1),
      invalid('number000001', 0),
      invalid('null00000001', 0),
    ])
    expect(scan([keyed(ask('readable0001'))])).toEqual([fresh(ask('readable0001'))])
  })

  it('ING-READ-2: an entry stored under a key other than its id is rejected as invalid', () => {
    expect(scan([['otherkey0001', ask('question0001')]])).toEqual([invalid('otherkey0001', 1)])
    expect(scan([['reply-key-01', reply('reply-id-001', 'question0001')]])).toEqual([
      invalid('reply-key-01', 1),
    ])
    expect(scan([keyed(ask('question0001'))])).toEqual([fresh(ask('question0001'))])
  })

  it('ING-READ-3: a vote stored under a key other than vote:<questionId> is rejected as invalid', () => {
    const underItsOwnId = { ...vote('question0001'), id: 'vote-entry-01' }
    const forAnother = { ...vote('question0001'), id: voteEntryId('question0002') }
    expect(
      scan([
        ['vote-entry-01', underItsOwnId],
        [voteEntryId('question0002'), forAnother],
      ]),
    ).toEqual([invalid('vote-entry-01', 1), invalid(voteEntryId('question0002'), 1)])
    expect(scan([keyed(vote('question0001'))])).toEqual([fresh(vote('question0001'))])
  })

  it('ING-READ-4: an entry whose only problem is a text over the hard ceiling is too-long; with another problem it is invalid', () => {
    const ceiling = Limits.questionLengthCeiling
    const entries: Array<[string, unknown]> = [
      keyed(ask('longask00001', { text: 'a'.repeat(ceiling + 1) })),
      keyed(edit('longedit0001', 'question0001', { text: 'e'.repeat(ceiling + 1) })),
      keyed(reply('longreply001', 'question0001', { text: 'r'.repeat(Limits.replyLength + 1) })),
      keyed(ask('longandbad01', { text: 'a'.repeat(ceiling + 1), seq: -1 })),
    ]
    expect(scan(entries)).toEqual([
      invalid('longask00001', 1, 'too-long'),
      invalid('longedit0001', 1, 'too-long'),
      invalid('longreply001', 1, 'too-long'),
      invalid('longandbad01', -1, 'invalid'),
    ])
    // At the ceiling itself they are read.
    expect(
      scan([
        keyed(ask('maxask000001', { text: 'a'.repeat(ceiling) })),
        keyed(reply('maxreply0001', 'question0001', { text: 'r'.repeat(Limits.replyLength) })),
      ]).map((item) => item.kind),
    ).toEqual(['new', 'new'])
  })

  it("ING-READ-5: an unreadable entry's receipt carries its seq when numeric, else 0", () => {
    expect(
      scan([
        ['numericseq01', { type: 'ask', id: 'numericseq01', seq: 7 }],
        ['textseq00001', { type: 'ask', id: 'textseq00001', seq: '7' }],
        ['noseq0000001', { type: 'ask', id: 'noseq0000001' }],
        ['keyedwrong01', ask('keyedright01', { seq: 3 })],
      ]),
    ).toEqual([
      invalid('numericseq01', 7),
      invalid('textseq00001', 0),
      invalid('noseq0000001', 0),
      invalid('keyedwrong01', 3),
    ])
  })
})

describe('the order entries are decided in', () => {
  it('ING-ORDER-1: asks first, then edits, withdrawals and replies, then votes, each group by createdAt', () => {
    const entries = [
      vote('question0001', { createdAt: T + 1 }),
      reply('reply0000002', 'question0002', { createdAt: T + 6 }),
      ask('question0002', { createdAt: T + 5 }),
      withdraw('withdraw0001', 'question0002', { createdAt: T + 7 }),
      edit('edit00000001', 'question0001', { createdAt: T + 3 }),
      vote('question0002', { createdAt: T + 8 }),
      ask('question0001', { createdAt: T + 2 }),
      reply('reply0000001', 'question0001', { createdAt: T + 4 }),
    ].map(keyed)
    const order = scan(entries).map((item) => (item.kind === 'new' ? item.entry.id : item.kind))
    expect(order).toEqual([
      'question0001',
      'question0002',
      'edit00000001',
      'reply0000001',
      'reply0000002',
      'withdraw0001',
      voteEntryId('question0001'),
      voteEntryId('question0002'),
    ])
  })
})

describe('deciding once', () => {
  const accepted = (seq: number): Decided => ({
    seq,
    status: 'accepted',
    reason: null,
    detail: null,
  })
  const receipt = (r: Partial<Receipt> & Pick<Receipt, 'status' | 'seq'>): Receipt => ({
    at: T,
    ...r,
  })

  it('ING-ONCE-1: an entry the server decided is not decided again; its receipt is rewritten only when the outbox shows another', () => {
    const user = state([['question0001', accepted(1)]])
    const entries = [keyed(ask('question0001'))]
    // The receipt the author has says what was decided: nothing to do.
    expect(scan(entries, { question0001: receipt({ status: 'accepted', seq: 1 }) }, user)).toEqual(
      [],
    )
    // No receipt (the author never got it), or one a client wrote itself: the decided one
    // is written again, and the entry is not decided a second time.
    for (const shown of [
      undefined,
      receipt({ status: 'rejected', seq: 1, reason: 'qa-closed' }),
      receipt({ status: 'pending', seq: 1 }),
      receipt({ status: 'accepted', seq: 0 }),
    ]) {
      const items = scan(entries, shown ? { question0001: shown } : {}, user)
      expect(items).toEqual([
        {
          kind: 'known',
          entryId: 'question0001',
          receipt: { status: 'accepted', seq: 1, at: expect.any(Number) },
        },
      ])
    }
    // An unreadable entry already answered as such is not answered again.
    const bad: Array<[string, unknown]> = [['badentry0001', { type: 'ask', seq: 2 }]]
    expect(
      scan(bad, { badentry0001: receipt({ status: 'rejected', seq: 2, reason: 'invalid' }) }),
    ).toEqual([])
    expect(scan(bad, { badentry0001: receipt({ status: 'accepted', seq: 2 }) })).toEqual([
      invalid('badentry0001', 2),
    ])
    // Without a decision it is new.
    expect(scan(entries)).toEqual([fresh(ask('question0001'))])
  })

  it("ING-ONCE-2: a vote's version is decided when its receipt's seq differs from the entry's; a forged receipt keeps it from counting", () => {
    const entries = [keyed(vote('question0001', { seq: 5 }))]
    expect(scan(entries)).toEqual([fresh(vote('question0001', { seq: 5 }))])
    for (const seq of [4, 6])
      expect(
        scan(entries, { [voteEntryId('question0001')]: receipt({ status: 'accepted', seq }) }),
      ).toEqual([fresh(vote('question0001', { seq: 5 }))])
    // The receipt says this version is done, whoever wrote it: it is not decided.
    expect(
      scan(entries, { [voteEntryId('question0001')]: receipt({ status: 'accepted', seq: 5 }) }),
    ).toEqual([])
  })
})

describe('receipts', () => {
  it('ING-RCPT-3: a refused entry stays refused, even rewritten with a higher seq; only a new version of a vote is decided again', () => {
    const refused: Decided = { seq: 1, status: 'rejected', reason: 'qa-closed', detail: null }
    const user = state([['question0001', refused]])
    const rewritten = [keyed(ask('question0001', { seq: 2, text: 'Asked again, Q&A open now' }))]
    expect(scan(rewritten, {}, user)).toEqual([
      {
        kind: 'known',
        entryId: 'question0001',
        receipt: { status: 'rejected', seq: 1, reason: 'qa-closed', at: expect.any(Number) },
      },
    ])
    const refusedVote = {
      [voteEntryId('question0001')]: { status: 'rejected', seq: 1, at: T, reason: 'qa-closed' },
    } satisfies Record<string, Receipt>
    expect(scan([keyed(vote('question0001', { seq: 1 }))], refusedVote)).toEqual([])
    expect(scan([keyed(vote('question0001', { seq: 2 }))], refusedVote)).toEqual([
      fresh(vote('question0001', { seq: 2 })),
    ])
  })
})
