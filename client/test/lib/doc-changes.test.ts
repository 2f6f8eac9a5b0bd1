import { PublicDoc, QUESTION_DEFAULTS } from '@podium/shared'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { watchChanges } from '../../src/lib/doc-changes.ts'

function watched() {
  const doc = new Y.Doc()
  const pub = new PublicDoc(doc)
  const seen = { change: 0, presence: 0 }
  watchChanges(doc, {
    onChange: () => seen.change++,
    onPresence: () => seen.presence++,
  })
  return { doc, pub, seen }
}

const question = {
  id: 'q1',
  text: 'Why?',
  authorId: 'u1',
  authorName: null,
  createdAt: 1,
  ...QUESTION_DEFAULTS,
  labels: [],
}

describe('watchChanges', () => {
  it('tells a change of the participant count alone from every other change', () => {
    const { doc, pub, seen } = watched()
    pub.setParticipants('instance-a', 3, 1_000)
    pub.setParticipants('instance-a', 4, 2_000)
    expect(seen).toEqual({ change: 0, presence: 2 })

    pub.putQuestion(question)
    expect(seen).toEqual({ change: 1, presence: 2 })

    // Both in one transaction: the views re-derive (and read the count with them).
    doc.transact(() => {
      pub.setParticipants('instance-b', 1, 3_000)
      pub.setVoteCounts([['q1', 2]])
    })
    expect(seen).toEqual({ change: 2, presence: 2 })
  })

  it('counts remote updates the same way, and ignores transactions that change nothing', () => {
    const source = new PublicDoc(new Y.Doc())
    const { doc, seen } = watched()
    const sync = () =>
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(source.doc, Y.encodeStateVector(doc)))

    source.setParticipants('instance-a', 7, 1_000)
    sync()
    expect(seen).toEqual({ change: 0, presence: 1 })
    expect(new PublicDoc(doc).participants(2_000)).toBe(7)

    source.putQuestion(question)
    sync()
    expect(seen).toEqual({ change: 1, presence: 1 })

    sync() // nothing new
    doc.transact(() => {})
    expect(seen).toEqual({ change: 1, presence: 1 })
  })

  it('treats any change of another document as a change', () => {
    const doc = new Y.Doc()
    const seen = { change: 0, presence: 0 }
    watchChanges(doc, { onChange: () => seen.change++, onPresence: () => seen.presence++ })
    doc.getMap('entries').set('a', 1)
    expect(seen).toEqual({ change: 1, presence: 0 })
  })
})
