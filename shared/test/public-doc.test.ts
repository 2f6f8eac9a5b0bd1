import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { PublicDoc, QUESTION_DEFAULTS } from '../src/doc/public/index.ts'
import type { Question } from '../src/doc/schema.ts'

const question = (id: string, patch: Partial<Question> = {}): Question => ({
  id,
  text: `Question ${id}`,
  authorId: 'author-1',
  authorName: 'Ada',
  createdAt: 1_000,
  ...QUESTION_DEFAULTS,
  labels: [],
  ...patch,
})

describe('PublicDoc questions', () => {
  it('stores a new question as its body alone and reads it back whole', () => {
    const doc = new Y.Doc()
    const pub = new PublicDoc(doc)
    pub.putQuestion(question('q1'))
    const raw = doc.getMap<Y.Map<unknown>>('questions').get('q1')!
    expect([...raw.keys()]).toEqual(['body'])
    expect(raw.get('body')).toEqual(['Question q1', 'author-1', 'Ada', 1_000])
    expect(pub.question('q1')).toEqual(question('q1'))
    expect(pub.questions()).toEqual([question('q1')])
  })

  it('stores fields that differ from the default, and later changes, including back to it', () => {
    const doc = new Y.Doc()
    const pub = new PublicDoc(doc)
    pub.putQuestion(question('q2', { pinned: true, pinnedAt: 5, labels: ['ux'] }))
    expect(pub.question('q2')).toMatchObject({ pinned: true, pinnedAt: 5, labels: ['ux'] })
    pub.setVoteCounts([['q2', 3]])
    pub.updateQuestion('q2', { pinned: false, pinnedAt: null, answered: true, answeredAt: 9 })
    expect(pub.question('q2')).toEqual(
      question('q2', { votes: 3, answered: true, answeredAt: 9, labels: ['ux'] }),
    )
    // A copy elsewhere merges to the same question.
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
    expect(new PublicDoc(other).question('q2')).toEqual(pub.question('q2'))
  })

  it('edits the text by writing a new body, keeping the author and the other fields', () => {
    const doc = new Y.Doc()
    const pub = new PublicDoc(doc)
    pub.putQuestion(question('q3', { authorName: null }))
    pub.updateQuestion('q3', { pinned: true })
    pub.updateQuestion('q3', { text: 'Sharper wording', editedAt: 7 })
    expect(pub.question('q3')).toEqual(
      question('q3', {
        text: 'Sharper wording',
        editedAt: 7,
        authorId: null,
        authorName: null,
        pinned: true,
      }),
    )
  })

  it('stores no author id without a name, and takes out the ones an older version stored', () => {
    const doc = new Y.Doc()
    const pub = new PublicDoc(doc)
    pub.putQuestion(question('q5', { authorName: null }))
    const raw = doc.getMap<Y.Map<unknown>>('questions')
    expect(raw.get('q5')!.get('body')).toEqual(['Question q5', null, null, 1_000])
    pub.putReply({
      id: 'r5',
      questionId: 'q5',
      text: 'Anonymous reply',
      authorId: 'author-1',
      authorName: null,
      authorRole: 'attendee',
      createdAt: 2_000,
      hidden: false,
    })
    expect(doc.getMap<{ authorId: unknown }>('replies').get('r5')!.authorId).toBeNull()

    // What an older version wrote: the id next to no name, in both question layouts.
    raw.get('q5')!.set('body', ['Question q5', 'author-1', null, 1_000])
    const legacy = new Y.Map<unknown>()
    raw.set('q6', legacy)
    for (const [key, value] of Object.entries(question('q6', { authorName: null })))
      legacy.set(key, value)
    doc.getMap('replies').set('r5', { ...pub.replies()[0], authorId: 'author-1' })
    expect(pub.question('q5')?.authorId).toBeNull()
    expect(pub.question('q6')?.authorId).toBeNull()
    expect(pub.replies('q5')[0]?.authorId).toBeNull()
    expect(JSON.stringify(doc.toJSON())).toContain('author-1')

    expect(pub.forgetNamelessAuthors()).toBe(true)
    expect(JSON.stringify(doc.toJSON())).not.toContain('author-1')
    expect(pub.question('q6')).toEqual(question('q6', { authorId: null, authorName: null }))
    expect(pub.forgetNamelessAuthors()).toBe(false)
  })

  it('reads a question written field by field before protocol 2, and moves it to a body on its first edit', () => {
    const doc = new Y.Doc()
    const legacy = new Y.Map<unknown>()
    doc.getMap('questions').set('q4', legacy)
    for (const [key, value] of Object.entries(question('q4', { votes: 2 }))) legacy.set(key, value)
    const pub = new PublicDoc(doc)
    expect(pub.question('q4')).toEqual(question('q4', { votes: 2 }))
    pub.updateQuestion('q4', { answered: true, answeredAt: 3 })
    expect(legacy.has('text')).toBe(true)
    pub.updateQuestion('q4', { text: 'Edited' })
    expect([...legacy.keys()].sort()).toEqual([
      'answered',
      'answeredAt',
      'body',
      'editedAt',
      'labels',
      'pinned',
      'pinnedAt',
      'status',
      'votes',
    ])
    expect(pub.question('q4')).toEqual(
      question('q4', { text: 'Edited', votes: 2, answered: true, answeredAt: 3 }),
    )
  })

  it('answers what the ingest checks without reading the whole question, in both layouts', () => {
    const doc = new Y.Doc()
    const pub = new PublicDoc(doc)
    pub.putQuestion(question('q5'))
    expect(pub.questionGate('q5')).toEqual({
      authorId: 'author-1',
      authorName: 'Ada',
      answered: false,
      status: 'published',
    })
    expect(pub.voteCount('q5')).toBe(0)
    pub.updateQuestion('q5', { answered: true, status: 'hidden' })
    pub.setVoteCounts([['q5', 4]])
    expect(pub.questionGate('q5')).toEqual({
      authorId: 'author-1',
      authorName: 'Ada',
      answered: true,
      status: 'hidden',
    })
    expect(pub.voteCount('q5')).toBe(4)
    const legacy = new Y.Map<unknown>()
    doc.getMap('questions').set('q6', legacy)
    for (const [key, value] of Object.entries(question('q6', { authorId: 'old', votes: 2 })))
      legacy.set(key, value)
    expect(pub.questionGate('q6')).toEqual({
      authorId: 'old',
      authorName: 'Ada',
      answered: false,
      status: 'published',
    })
    expect(pub.voteCount('q6')).toBe(2)
    expect(pub.questionGate('missing')).toBeUndefined()
    expect(pub.voteCount('missing')).toBeUndefined()
  })

  it('costs less than half for a session of thousands of questions', () => {
    const lean = new Y.Doc()
    const full = new Y.Doc()
    for (let i = 0; i < 2_000; i++) {
      const q = question(`q${i}`)
      new PublicDoc(lean).putQuestion(q)
      const map = new Y.Map<unknown>()
      full.getMap('questions').set(q.id, map)
      for (const [key, value] of Object.entries(q)) map.set(key, value)
    }
    const leanBytes = Y.encodeStateAsUpdate(lean).byteLength
    const fullBytes = Y.encodeStateAsUpdate(full).byteLength
    expect(leanBytes).toBeLessThan(fullBytes * 0.5)
  })
})

describe('PublicDoc question reads', () => {
  it('gives the same frozen object until the question changes, and only that one anew', () => {
    const pub = new PublicDoc(new Y.Doc())
    pub.putQuestion(question('q1'))
    pub.putQuestion(question('q2'))
    const [first, second] = pub.questions()
    expect(pub.question('q1')).toBe(first)
    expect(Object.isFrozen(first)).toBe(true)
    expect(Object.isFrozen(first!.labels)).toBe(true)

    pub.setVoteCounts([['q2', 3]])
    const [again, changed] = pub.questions()
    expect(again).toBe(first)
    expect(changed).not.toBe(second)
    expect(changed!.votes).toBe(3)
  })

  it('reads a write made earlier in the same transaction', () => {
    const doc = new Y.Doc()
    const pub = new PublicDoc(doc)
    pub.putQuestion(question('q1'))
    expect(pub.question('q1')!.answered).toBe(false)
    doc.transact(() => {
      pub.updateQuestion('q1', { answered: true, answeredAt: 5 })
      expect(pub.question('q1')!.answered).toBe(true)
      pub.setVoteCounts([['q1', 2]])
      expect(pub.question('q1')!.votes).toBe(2)
      pub.putQuestion(question('q1', { text: 'Reworded' }))
      expect(pub.question('q1')!.text).toBe('Reworded')
      pub.removeQuestion('q1')
      expect(pub.question('q1')).toBeUndefined()
    })
  })

  it('sees remote updates and writes to the maps themselves before any observer runs', () => {
    const source = new PublicDoc(new Y.Doc())
    const doc = new Y.Doc()
    const pub = new PublicDoc(doc)
    const sync = () =>
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(source.doc, Y.encodeStateVector(doc)))
    source.putQuestion(question('q1'))
    source.putQuestion(question('q2'))
    sync()
    const before = pub.questions()

    // An observer registered first still reads the new state.
    const seen: number[] = []
    doc.getMap('questions').observeDeep(() => seen.push(pub.question('q1')!.votes))
    source.setVoteCounts([['q1', 4]])
    sync()
    expect(seen).toEqual([4])
    expect(pub.question('q2')).toBe(before[1])

    source.removeQuestion('q2')
    sync()
    expect(pub.questions().map((q) => q.id)).toEqual(['q1'])

    doc.getMap<Y.Map<unknown>>('questions').get('q1')!.set('pinned', true)
    expect(pub.question('q1')!.pinned).toBe(true)
  })
})

describe('PublicDoc agenda', () => {
  const item = (id: string, title = id.toUpperCase(), durationSec = 300) => ({
    id,
    title,
    durationSec,
  })
  /** Two replicas that start from the same agenda and exchange updates when told. */
  function twoReplicas(start: ReturnType<typeof item>[]) {
    const one = new Y.Doc()
    new PublicDoc(one).setAgenda(start)
    const two = new Y.Doc()
    Y.applyUpdate(two, Y.encodeStateAsUpdate(one))
    return {
      one: new PublicDoc(one),
      two: new PublicDoc(two),
      exchange() {
        Y.applyUpdate(two, Y.encodeStateAsUpdate(one, Y.encodeStateVector(two)))
        Y.applyUpdate(one, Y.encodeStateAsUpdate(two, Y.encodeStateVector(one)))
      },
    }
  }

  it('changes only what differs: the same list again writes nothing; moves and edits keep the rest', () => {
    const doc = new Y.Doc()
    const pub = new PublicDoc(doc)
    pub.setAgenda([item('a'), item('b'), item('c')])
    let updates = 0
    doc.on('update', () => updates++)
    pub.setAgenda([item('a'), item('b'), item('c')])
    expect(updates).toBe(0)
    pub.setAgenda([item('c'), item('a', 'Welcome'), item('b')])
    expect(pub.agenda()).toEqual([item('c'), item('a', 'Welcome'), item('b')])
    pub.setAgenda([])
    expect(pub.agenda()).toEqual([])
  })

  it('merges edits made apart: one renames an item while another adds one', () => {
    const r = twoReplicas([item('a'), item('b')])
    r.one.setAgenda([item('a', 'Opening'), item('b')])
    r.two.setAgenda([item('a'), item('b'), item('c')])
    r.exchange()
    const merged = [item('a', 'Opening'), item('b'), item('c')]
    expect(r.one.agenda()).toEqual(merged)
    expect(r.two.agenda()).toEqual(merged)
  })

  it('merges a removal on one side with a change of another item on the other', () => {
    const r = twoReplicas([item('a'), item('b'), item('c')])
    r.one.setAgenda([item('a'), item('c')])
    r.two.setAgenda([item('a'), item('b'), item('c', 'Q&A', 900)])
    r.exchange()
    const merged = [item('a'), item('c', 'Q&A', 900)]
    expect(r.one.agenda()).toEqual(merged)
    expect(r.two.agenda()).toEqual(merged)
  })

  it('reads one version of an item both sides changed, the same on both', () => {
    const r = twoReplicas([item('a'), item('b')])
    r.one.setAgenda([item('a', 'Keynote'), item('b')])
    r.two.setAgenda([item('a', 'Opening talk'), item('b')])
    r.exchange()
    expect(r.one.agenda()).toEqual(r.two.agenda())
    expect(r.one.agenda()).toHaveLength(2)
    expect(['Keynote', 'Opening talk']).toContain(r.one.agenda()[0]!.title)
    // The next edit from either side tidies the array to the one version it shows.
    r.one.setAgenda(r.one.agenda())
    r.exchange()
    expect(r.two.agenda()).toEqual(r.one.agenda())
  })
})

describe('PublicDoc replies', () => {
  const reply = (id: string, questionId: string, createdAt: number, hidden = false) => ({
    id,
    questionId,
    text: `Reply ${id}`,
    authorId: 'author-2',
    authorName: 'Bob',
    authorRole: 'attendee' as const,
    createdAt,
    hidden,
  })

  it('lists a question’s replies oldest first, and sees every kind of change at once', () => {
    const doc = new Y.Doc()
    const pub = new PublicDoc(doc)
    pub.putQuestion(question('q1'))
    pub.putQuestion(question('q2'))
    pub.putReply(reply('r2', 'q1', 20))
    pub.putReply(reply('r1', 'q1', 10))
    pub.putReply(reply('r3', 'q2', 5))
    expect(pub.replies('q1').map((r) => r.id)).toEqual(['r1', 'r2'])
    expect(pub.replies('q3')).toEqual([])
    // A caller's copy is its own.
    pub.replies('q1').pop()
    expect(pub.replies('q1')).toHaveLength(2)
    // A write read back inside the same transaction.
    doc.transact(() => {
      pub.putReply(reply('r0', 'q1', 1))
      expect(pub.replies('q1').map((r) => r.id)).toEqual(['r0', 'r1', 'r2'])
      pub.setReplyHidden('r0', true)
      expect(pub.replies('q1')[0]!.hidden).toBe(true)
    })
    // Another wrapper of the same document, and a change that arrives from elsewhere.
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
    new PublicDoc(other).putReply(reply('r9', 'q2', 50))
    new PublicDoc(other).removeReply('r3')
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)))
    expect(new PublicDoc(doc).replies('q2').map((r) => r.id)).toEqual(['r9'])
    pub.removeReply('r1')
    pub.removeQuestion('q1')
    expect(pub.replies('q1')).toEqual([])
    expect(pub.replies().map((r) => r.id)).toEqual(['r9'])
  })
})
