import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { HAND_ENTRY_ID, setHand } from '../src/doc/hands.ts'
import { OUTBOX_LAYOUT, OutboxDoc } from '../src/doc/outbox.ts'
import { OutboxEntry, type Receipt, voteEntryId } from '../src/schemas/outbox.ts'

/** An outbox whose clock the test moves. */
function outbox() {
  const clock = { now: 1_000 }
  const doc = new Y.Doc()
  return { doc, clock, box: new OutboxDoc(doc, () => clock.now) }
}

const receipt = (seq: number, status: Receipt['status'] = 'accepted'): Receipt => ({
  status,
  seq,
  at: 9,
  ...(status === 'rejected' ? { reason: 'qa-closed' as const } : {}),
})

describe('OutboxDoc entries', () => {
  it('writes one entry per action under its own id, each one the ingest can read', () => {
    const { box, clock } = outbox()
    const { entryId, questionId } = box.ask('What is local-first?')
    expect(entryId).toBe(questionId)
    clock.now = 2_000
    const editId = box.edit(questionId, 'What is local-first software?')
    const replyId = box.reply(questionId, 'Software that works offline.', true)
    const withdrawId = box.withdraw(questionId)
    const voteId = box.vote(questionId, true)
    expect(voteId).toBe(voteEntryId(questionId))

    const raw = box.rawEntries()
    expect(raw.map(([key]) => key).sort()).toEqual(
      [questionId, editId, replyId, withdrawId, voteId].sort(),
    )
    for (const [key, value] of raw) {
      const entry = OutboxEntry.parse(value)
      expect(entry.id).toBe(key)
    }
    expect(box.entry(questionId)).toMatchObject({
      type: 'ask',
      seq: 1,
      createdAt: 1_000,
      text: 'What is local-first?',
      anonymous: false,
    })
    expect(box.entry(replyId)).toMatchObject({
      type: 'reply',
      replyId,
      questionId,
      anonymous: true,
      createdAt: 2_000,
    })
    expect(box.entryCount()).toBe(5)
    expect(box.rawEntriesOf([editId, 'missing', voteId]).map(([key]) => key)).toEqual([
      editId,
      voteId,
    ])
  })

  it('keeps one vote entry per question, its seq rising with every toggle', () => {
    const { box, clock } = outbox()
    expect(box.myVote('q1')).toBe(false)
    box.vote('q1', true)
    const first = box.entry(voteEntryId('q1'))!.seq
    box.vote('q1', false)
    const second = box.entry(voteEntryId('q1'))!.seq
    // A clock that went back still gives a higher seq.
    clock.now = 10
    box.vote('q1', true)
    const third = box.entry(voteEntryId('q1'))!.seq
    expect(first).toBe(1_000)
    expect(second).toBeGreaterThan(first)
    expect(third).toBeGreaterThan(second)
    expect(box.myVote('q1')).toBe(true)
    expect(box.entryCount()).toBe(1)
  })

  it('lists items oldest first with their receipts, and the questions asked that were not refused', () => {
    const { box, clock } = outbox()
    const a = box.ask('First').questionId
    clock.now = 3_000
    const b = box.ask('Second').questionId
    clock.now = 2_000
    const c = box.ask('Third').questionId
    box.setReceipt(a, receipt(1))
    box.setReceipt(b, receipt(1, 'rejected'))
    expect(box.items().map((i) => [i.entry.id, i.receipt?.status ?? null])).toEqual([
      [a, 'accepted'],
      [c, null],
      [b, 'rejected'],
    ])
    expect([...box.askedQuestions()].sort()).toEqual([a, c].sort())
  })

  it('holds the profile name, and writes only the maps and keys of OUTBOX_LAYOUT', () => {
    const { box, doc } = outbox()
    expect(box.profileName()).toBeNull()
    box.setProfileName('Ada')
    const q = box.ask('Anything').questionId
    box.vote(q, true)
    box.setReceipt(q, receipt(1))
    expect(box.profileName()).toBe('Ada')
    for (const name of doc.share.keys()) {
      expect(Object.keys(OUTBOX_LAYOUT)).toContain(name)
      const allowed = OUTBOX_LAYOUT[name]
      if (allowed) for (const key of doc.getMap(name).keys()) expect(allowed).toContain(key)
    }
  })
})

describe('OutboxDoc receipts', () => {
  it("ING-RCPT-1: a receipt answers one version of its entry: an entry whose seq is higher than its receipt's is still unsynced", () => {
    const { box } = outbox()
    const { entryId, questionId } = box.ask('Is this synced?')
    expect(box.unsynced().map((e) => e.id)).toEqual([entryId])
    box.setReceipt(entryId, receipt(1))
    expect(box.unsynced()).toEqual([])
    // A refusal is an answer too.
    const voteId = box.vote(questionId, true)
    const seq = box.entry(voteId)!.seq
    box.setReceipt(voteId, receipt(seq, 'rejected'))
    expect(box.unsynced()).toEqual([])
    // The vote written again: its receipt answers the older version only.
    box.vote(questionId, false)
    expect(box.unsynced().map((e) => e.id)).toEqual([voteId])
    expect(box.receipt(voteId)?.seq).toBe(seq)
    box.setReceipt(voteId, receipt(box.entry(voteId)!.seq))
    expect(box.unsynced()).toEqual([])
  })
})

describe('setHand', () => {
  it('writes an entry the schema accepts from a clock with a fraction of a millisecond', () => {
    const doc = new Y.Doc()
    setHand(doc, true, 1_700_000_000_000.5)
    const entry = doc.getMap('entries').get(HAND_ENTRY_ID)
    expect(OutboxEntry.safeParse(entry).success).toBe(true)
    expect(entry).toMatchObject({ raised: true, createdAt: 1_700_000_000_000 })
    setHand(doc, false, 1_700_000_000_000.5)
    expect(doc.getMap('entries').get(HAND_ENTRY_ID)).toMatchObject({
      raised: false,
      seq: 1_700_000_000_001,
    })
  })
})
