import { OutboxDoc, PublicDoc, QUESTION_DEFAULTS, voteEntryId } from '@podium/shared'
import { createMemo, createRoot } from 'solid-js'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { type DocChanges, trackDocs } from '../../src/lib/doc-changes.ts'

const question = (id: string) => ({
  id,
  text: `Question ${id}`,
  authorId: 'u1',
  authorName: null,
  createdAt: 1,
  ...QUESTION_DEFAULTS,
  labels: [],
})

function tracked() {
  const publicDoc = new Y.Doc()
  const outboxDoc = new Y.Doc()
  const modDoc = new Y.Doc()
  const docs = trackDocs({ public: publicDoc, outbox: outboxDoc, others: [modDoc] })
  return {
    ...docs,
    publicDoc,
    modDoc,
    pub: new PublicDoc(publicDoc),
    outbox: new OutboxDoc(outboxDoc),
    counts: () => ({ version: docs.version(), presence: docs.presence() }),
  }
}

/** How many times a memo reading `read` has run (the first run included). */
function runs(read: (changes: DocChanges) => void, changes: DocChanges): () => number {
  let count = 0
  createRoot(() =>
    createMemo(() => {
      read(changes)
      count++
    }),
  )
  return () => count
}

describe('trackDocs', () => {
  it('tells a change of the participant count alone from every other change', () => {
    const t = tracked()
    t.pub.setParticipants('instance-a', 3, 1_000)
    t.pub.setParticipants('instance-a', 4, 2_000)
    expect(t.counts()).toEqual({ version: 0, presence: 2 })

    t.pub.putQuestion(question('q1'))
    expect(t.counts()).toEqual({ version: 1, presence: 2 })

    // Both in one transaction: the views re-derive (and read the count with them).
    t.publicDoc.transact(() => {
      t.pub.setParticipants('instance-b', 1, 3_000)
      t.pub.setVoteCounts([['q1', 2]])
    })
    expect(t.counts()).toEqual({ version: 2, presence: 2 })

    t.modDoc.getMap('decisions').set('d1', 1)
    expect(t.counts()).toEqual({ version: 3, presence: 2 })
  })

  it('counts remote updates the same way, and ignores transactions that change nothing', () => {
    const source = new PublicDoc(new Y.Doc())
    const t = tracked()
    const sync = () =>
      Y.applyUpdate(
        t.publicDoc,
        Y.encodeStateAsUpdate(source.doc, Y.encodeStateVector(t.publicDoc)),
      )

    source.setParticipants('instance-a', 7, 1_000)
    sync()
    expect(t.counts()).toEqual({ version: 0, presence: 1 })
    expect(t.pub.participants(2_000)).toBe(7)

    source.putQuestion(question('q1'))
    sync()
    expect(t.counts()).toEqual({ version: 1, presence: 1 })

    sync() // nothing new
    t.publicDoc.transact(() => {})
    expect(t.counts()).toEqual({ version: 1, presence: 1 })
  })

  it('wakes a question’s readers only for that question, and a vote’s only for that vote', () => {
    const t = tracked()
    t.pub.putQuestion(question('q1'))
    t.pub.putQuestion(question('q2'))
    const q1 = runs((c) => c.question('q1'), t.changes)
    const q2 = runs((c) => c.question('q2'), t.changes)
    const anyQuestion = runs((c) => c.questions(), t.changes)
    const replies = runs((c) => c.replies(), t.changes)
    const myVoteOnQ1 = runs((c) => c.outboxEntry(voteEntryId('q1')), t.changes)
    const outbox = runs((c) => c.outbox(), t.changes)

    t.pub.setVoteCounts([['q1', 5]])
    expect([q1(), q2(), anyQuestion(), replies()]).toEqual([2, 1, 2, 1])

    t.pub.putQuestion(question('q3'))
    t.pub.removeQuestion('q2')
    expect([q1(), q2(), anyQuestion()]).toEqual([2, 2, 4])

    t.pub.putReply({
      id: 'r1',
      questionId: 'q1',
      text: 'Same here',
      authorId: 'u2',
      authorName: null,
      authorRole: 'attendee',
      createdAt: 2,
      hidden: false,
    })
    expect([q1(), anyQuestion(), replies()]).toEqual([2, 4, 2])

    // My vote, then its receipt: the vote's readers wake for both; another vote's do not.
    const entryId = t.outbox.vote('q1', true)
    t.outbox.setReceipt(entryId, { status: 'accepted', seq: 1, at: 3 })
    t.outbox.vote('q3', true)
    expect([myVoteOnQ1(), outbox(), q1()]).toEqual([3, 4, 2])
  })
})
