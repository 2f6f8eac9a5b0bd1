import { describe, expect, it } from 'vitest'
import { QUESTION_DEFAULTS } from '../src/doc/public/index.ts'
import type { Question } from '../src/doc/schema.ts'
import { rankQuestions } from '../src/ranking.ts'

function q(id: string, fields: Partial<Question> = {}): Question {
  return {
    id,
    text: `question ${id}`,
    authorId: 'author',
    authorName: null,
    createdAt: 0,
    ...QUESTION_DEFAULTS,
    labels: [],
    ...fields,
  }
}

const ids = (list: Question[]) => list.map((x) => x.id)

describe('rankQuestions', () => {
  const list = [
    q('a', { votes: 1, createdAt: 10 }),
    q('b', { votes: 5, createdAt: 20 }),
    q('c', { votes: 5, createdAt: 30 }),
    q('d', { votes: 0, createdAt: 40, pinned: true, pinnedAt: 2 }),
    q('e', { votes: 9, createdAt: 50, pinned: true, pinnedAt: 1 }),
  ]

  it('popular: pinned first in pin order, then most votes, newer first on ties', () => {
    expect(ids(rankQuestions(list, 'popular'))).toEqual(['e', 'd', 'c', 'b', 'a'])
  })

  it('recent: pinned first, then newest first', () => {
    expect(ids(rankQuestions(list, 'recent'))).toEqual(['e', 'd', 'c', 'b', 'a'])
    const unpinned = list.map((x) => ({ ...x, pinned: false }))
    expect(ids(rankQuestions(unpinned, 'recent'))).toEqual(['e', 'd', 'c', 'b', 'a'])
  })

  it('breaks full ties by id so every client agrees', () => {
    expect(ids(rankQuestions([q('z'), q('m'), q('b')], 'popular'))).toEqual(['b', 'm', 'z'])
  })

  it('leaves out hidden and archived questions unless asked to include them', () => {
    const mixed = [q('a'), q('b', { status: 'hidden' }), q('c', { status: 'archived' })]
    expect(ids(rankQuestions(mixed, 'recent'))).toEqual(['a'])
    expect(ids(rankQuestions(mixed, 'recent', { includeModerated: true }))).toHaveLength(3)
  })

  it('filters answered, mine, label and search words', () => {
    const mixed = [
      q('a', { answered: true, text: 'How does the Sync work?' }),
      q('b', { authorId: 'me', text: 'Where is lunch?', labels: ['food'] }),
      q('c', { text: 'sync and merge' }),
    ]
    expect(ids(rankQuestions(mixed, 'recent', { answered: 'answered' }))).toEqual(['a'])
    expect(ids(rankQuestions(mixed, 'recent', { answered: 'open' }))).toEqual(['b', 'c'])
    const me = { userId: 'me', asked: new Set<string>() }
    expect(ids(rankQuestions(mixed, 'recent', { mine: me }))).toEqual(['b'])
    // A question asked without a name does not name its author: the outbox knows it.
    const asked = { userId: 'me', asked: new Set(['c']) }
    expect(ids(rankQuestions(mixed, 'recent', { mine: asked }))).toEqual(['b', 'c'])
    expect(ids(rankQuestions(mixed, 'recent', { label: 'food' }))).toEqual(['b'])
    expect(ids(rankQuestions(mixed, 'recent', { search: 'SYNC' }))).toEqual(['a', 'c'])
    expect(ids(rankQuestions(mixed, 'recent', { search: 'sync merge' }))).toEqual(['c'])
  })
})
