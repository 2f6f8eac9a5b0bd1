import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { ModDoc } from '../src/doc/mod.ts'
import type { PendingItem, RejectedItem } from '../src/doc/schema.ts'

const item = (id: string, patch: Partial<PendingItem> = {}): PendingItem => ({
  id,
  kind: 'question',
  questionId: null,
  text: `Question ${id}`,
  authorId: 'author-1',
  authorName: 'Ada',
  createdAt: 1_000,
  decision: null,
  ...patch,
})

const approve = { action: 'approve' as const, by: 'mod-1', byName: 'Mo', at: 5 }

const rejected = (id: string, at: number, patch: Partial<RejectedItem> = {}): RejectedItem => ({
  id,
  kind: 'question',
  questionId: null,
  text: `Question ${id}`,
  authorId: 'author-1',
  authorName: 'Ada',
  createdAt: 1_000,
  reason: 'Off topic',
  by: 'mod-1',
  at,
  ...patch,
})

/** Two replicas of one moderators' document that exchange updates when told. */
function twoReplicas(setup: (mod: ModDoc) => void) {
  const one = new Y.Doc()
  setup(new ModDoc(one))
  const two = new Y.Doc()
  Y.applyUpdate(two, Y.encodeStateAsUpdate(one))
  return {
    one: new ModDoc(one),
    two: new ModDoc(two),
    exchange() {
      Y.applyUpdate(two, Y.encodeStateAsUpdate(one, Y.encodeStateVector(two)))
      Y.applyUpdate(one, Y.encodeStateAsUpdate(two, Y.encodeStateVector(one)))
    },
  }
}

describe('ModDoc queue', () => {
  it('lists queued items oldest first, each with its decision, kept apart from the item', () => {
    const doc = new Y.Doc()
    const mod = new ModDoc(doc)
    mod.enqueue(item('i2', { createdAt: 2_000 }))
    mod.enqueue(item('i1', { createdAt: 1_000, decision: approve }))
    expect(mod.queue().map((i) => i.id)).toEqual(['i1', 'i2'])
    expect(mod.pending('i1')).toEqual(item('i1', { decision: approve }))
    expect(mod.pending('i2')?.decision).toBeNull()
    expect(mod.pending('missing')).toBeUndefined()
    // Stored apart: the item itself carries no decision.
    expect(doc.getMap<PendingItem>('queue').get('i1')?.decision).toBeNull()
    expect(doc.getMap('decisions').get('i1')).toEqual(approve)
    // Queued again without one, its decision goes.
    mod.enqueue(item('i1'))
    expect(mod.pending('i1')?.decision).toBeNull()
    expect(doc.getMap('decisions').has('i1')).toBe(false)
  })

  it('takes a decision only on an item that is queued, and removes both together', () => {
    const mod = new ModDoc(new Y.Doc())
    mod.decide('nothing', approve)
    expect(mod.staleDecisions()).toEqual([])
    mod.enqueue(item('i1'))
    mod.decide('i1', approve)
    expect(mod.pending('i1')?.decision).toEqual(approve)
    mod.dequeue('i1')
    expect(mod.queue()).toEqual([])
    expect(mod.staleDecisions()).toEqual([])
  })

  it('names the decisions whose item has left the queue', () => {
    const r = twoReplicas((mod) => mod.enqueue(item('i1')))
    // One moderator decides from a copy while the server removes the item elsewhere.
    r.one.decide('i1', approve)
    r.two.dequeue('i1')
    r.exchange()
    for (const mod of [r.one, r.two]) {
      expect(mod.queue()).toEqual([])
      expect(mod.staleDecisions()).toEqual(['i1'])
    }
  })

  it("merges a decision made on an older copy with the author's edit of the item", () => {
    const r = twoReplicas((mod) => mod.enqueue(item('i1')))
    r.one.decide('i1', approve)
    r.two.editPending('i1', 'Question i1, as the author edited it')
    r.exchange()
    for (const mod of [r.one, r.two]) {
      expect(mod.pending('i1')).toEqual(
        item('i1', { text: 'Question i1, as the author edited it', decision: approve }),
      )
    }
  })

  it('edits only an item that is there, keeping its decision', () => {
    const mod = new ModDoc(new Y.Doc())
    mod.editPending('missing', 'text')
    expect(mod.queue()).toEqual([])
    mod.enqueue(item('i1', { decision: approve }))
    mod.editPending('i1', 'Shorter')
    expect(mod.pending('i1')).toEqual(item('i1', { text: 'Shorter', decision: approve }))
  })

  it('reads a decision stored inside the item, as documents written before kept it', () => {
    const doc = new Y.Doc()
    doc.getMap<PendingItem>('queue').set('i1', item('i1', { decision: approve }))
    const mod = new ModDoc(doc)
    expect(mod.pending('i1')?.decision).toEqual(approve)
    expect(mod.queue()[0]?.decision).toEqual(approve)
  })
})

describe('ModDoc authors', () => {
  it('stores and reads no author id for an item that names nobody, and scrubs what older versions stored', () => {
    const doc = new Y.Doc()
    const mod = new ModDoc(doc)
    mod.enqueue(item('i1', { authorName: null }))
    mod.putRejected(rejected('r1', 10, { authorName: null }))
    expect(doc.getMap<PendingItem>('queue').get('i1')?.authorId).toBeNull()
    expect(doc.getMap<RejectedItem>('rejected').get('r1')?.authorId).toBeNull()

    // What an older version wrote: the id next to no name.
    doc.getMap<PendingItem>('queue').set('i2', item('i2', { authorName: null }))
    doc.getMap<RejectedItem>('rejected').set('r2', rejected('r2', 20, { authorName: null }))
    mod.editPending('i1', 'Edited') // leaves i2 as it is
    expect(mod.pending('i2')?.authorId).toBeNull()
    expect(mod.rejected().map((r) => r.authorId)).toEqual([null, null])
    expect(JSON.stringify(doc.toJSON())).toContain('author-1')

    expect(mod.forgetNamelessAuthors()).toBe(true)
    expect(JSON.stringify(doc.toJSON())).not.toContain('author-1')
    expect(mod.forgetNamelessAuthors()).toBe(false)
    // Named items keep their author.
    mod.enqueue(item('i3'))
    expect(mod.pending('i3')?.authorId).toBe('author-1')
    expect(mod.forgetNamelessAuthors()).toBe(false)
  })
})

describe('ModDoc rejected items, notes, attendees and peer room', () => {
  it('lists rejected items newest first, and removes one', () => {
    const mod = new ModDoc(new Y.Doc())
    mod.putRejected(rejected('r1', 10))
    mod.putRejected(rejected('r2', 30))
    mod.putRejected(rejected('r3', 20))
    expect(mod.rejected().map((r) => r.id)).toEqual(['r2', 'r3', 'r1'])
    expect(mod.hasRejected('r3')).toBe(true)
    mod.removeRejected('r3')
    expect(mod.hasRejected('r3')).toBe(false)
    expect(mod.rejected().map((r) => r.id)).toEqual(['r2', 'r1'])
  })

  it('keeps a note per question, and an empty note removes it', () => {
    const doc = new Y.Doc()
    const mod = new ModDoc(doc)
    expect(mod.note('q1')).toBe('')
    mod.setNote('q1', 'Ask the speaker')
    mod.setNote('q2', 'Duplicate of q1')
    expect(mod.notes()).toEqual({ q1: 'Ask the speaker', q2: 'Duplicate of q1' })
    mod.setNote('q2', '')
    expect(mod.notes()).toEqual({ q1: 'Ask the speaker' })
    expect(doc.getMap('notes').has('q2')).toBe(false)
  })

  it('lists who is in the room under their user id', () => {
    const mod = new ModDoc(new Y.Doc())
    mod.setAttendee('u1', { name: 'Ann', since: 5, online: true })
    mod.setAttendee('u2', { name: null, since: 6, online: false })
    mod.setAttendee('u1', { name: 'Ann', since: 5, online: false })
    expect(mod.attendees()).toEqual([
      { userId: 'u1', name: 'Ann', since: 5, online: false },
      { userId: 'u2', name: null, since: 6, online: false },
    ])
  })

  it('sets the peer room only when it changes, and tells observers until they unsubscribe', () => {
    const doc = new Y.Doc()
    const mod = new ModDoc(doc)
    expect(mod.peerRoom()).toBeUndefined()
    const seen: Array<string | undefined> = []
    const off = mod.observePeerRoom((room) => seen.push(room))
    let updates = 0
    doc.on('update', () => updates++)
    mod.setPeerRoom('podium-a')
    mod.setPeerRoom('podium-a')
    expect(updates).toBe(1)
    mod.setPeerRoom('podium-b')
    expect(seen).toEqual(['podium-a', 'podium-b'])
    off()
    mod.setPeerRoom('podium-c')
    expect(seen).toEqual(['podium-a', 'podium-b'])
    expect(mod.peerRoom()).toBe('podium-c')
    // Anything but a string there is no room.
    doc.getMap('peer').set('room', 42)
    expect(mod.peerRoom()).toBeUndefined()
  })
})
