import type * as Y from 'yjs'
import { type Attendee, type PendingItem, type RejectedItem, shownAuthorId } from './schema.ts'

type Decision = NonNullable<PendingItem['decision']>

/** An item as readers get it: no author id without a name (see shownAuthorId). */
function shown<T extends { authorId: string | null; authorName: string | null }>(item: T): T {
  const authorId = shownAuthorId(item.authorId, item.authorName)
  return authorId === item.authorId ? item : { ...item, authorId }
}

/** Where an edit stands among its question's edits; createdAt for items queued without an order. */
export function editOrderOf(item: Pick<PendingItem, 'editOrder' | 'createdAt'>): number {
  return item.editOrder ?? item.createdAt
}

/**
 * Typed access to the moderators' document `session/<id>/mod`.
 * Layout: maps `queue` (pending review), `decisions` (item id → a moderator's decision),
 * `rejected`, `notes` (question id → text), `attendees` (user id → who is in the room),
 * `peer` (`room`: the staff's current y-webrtc room name, never its password).
 * Documents written before the audit log moved to the server's database also hold an
 * array `audit`; nothing reads it (any staff member could rewrite it).
 *
 * Decisions live apart from the items they decide: a moderator deciding from a copy that is
 * a moment old then neither undoes the author's edit of the item nor brings back an item
 * the server has already removed (withdrawn, or decided by another moderator first).
 */
export class ModDoc {
  constructor(readonly doc: Y.Doc) {}

  private get queueMap() {
    return this.doc.getMap<PendingItem>('queue')
  }
  private get decisionsMap() {
    return this.doc.getMap<Decision>('decisions')
  }
  private get rejectedMap() {
    return this.doc.getMap<RejectedItem>('rejected')
  }
  private get notesMap() {
    return this.doc.getMap<string>('notes')
  }
  private get attendeesMap() {
    return this.doc.getMap<Attendee>('attendees')
  }
  private get peerMap() {
    return this.doc.getMap<string>('peer')
  }

  queue(): PendingItem[] {
    return [...this.queueMap.values()]
      .map((item) => this.withDecision(item))
      .sort((a, b) => a.createdAt - b.createdAt || editOrderOf(a) - editOrderOf(b))
  }
  /** The latest order among the edits of a question waiting here, if any wait. */
  latestEditOrder(questionId: string): number | undefined {
    let latest: number | undefined
    for (const item of this.queueMap.values())
      if (item.kind === 'edit' && item.questionId === questionId)
        latest = Math.max(latest ?? -Infinity, editOrderOf(item))
    return latest
  }
  pending(id: string): PendingItem | undefined {
    const item = this.queueMap.get(id)
    return item ? this.withDecision(item) : undefined
  }
  /** Puts an item in the queue; its `decision` (null to clear one) is kept apart. */
  enqueue(item: PendingItem): void {
    this.doc.transact(() => {
      this.queueMap.set(item.id, shown({ ...item, decision: null }))
      if (item.decision) this.decisionsMap.set(item.id, item.decision)
      else this.decisionsMap.delete(item.id)
    })
  }
  /** A moderator edits a pending item's text before deciding. */
  editPending(id: string, text: string): void {
    const item = this.queueMap.get(id)
    if (item) this.queueMap.set(id, shown({ ...item, text }))
  }
  decide(id: string, decision: Decision): void {
    if (this.queueMap.has(id)) this.decisionsMap.set(id, decision)
  }
  /** Removes an item and any decision on it. */
  dequeue(id: string): void {
    this.doc.transact(() => {
      this.queueMap.delete(id)
      this.decisionsMap.delete(id)
    })
  }
  /** Ids of decisions whose item is no longer in the queue (they came too late). */
  staleDecisions(): string[] {
    return [...this.decisionsMap.keys()].filter((id) => !this.queueMap.has(id))
  }
  private withDecision(stored: PendingItem): PendingItem {
    const item = shown(stored)
    const decision = this.decisionsMap.get(item.id)
    // Documents written before decisions were kept apart carry them in the item.
    return decision ? { ...item, decision } : item
  }

  rejected(): RejectedItem[] {
    return [...this.rejectedMap.values()].map(shown).sort((a, b) => b.at - a.at)
  }
  hasRejected(id: string): boolean {
    return this.rejectedMap.has(id)
  }
  putRejected(item: RejectedItem): void {
    this.rejectedMap.set(item.id, shown(item))
  }

  /**
   * Takes the author ids out of queued and rejected items that name nobody, where a
   * document written before they were left out still stores them. Says whether anything
   * changed.
   */
  forgetNamelessAuthors(): boolean {
    let changed = false
    const scrub = <T extends { authorId: string | null; authorName: string | null }>(
      map: Y.Map<T>,
    ) => {
      for (const [id, item] of map.entries()) {
        const visible = shown(item)
        if (visible === item) continue
        map.set(id, visible)
        changed = true
      }
    }
    this.doc.transact(() => {
      scrub(this.queueMap)
      scrub(this.rejectedMap)
    })
    return changed
  }
  removeRejected(id: string): void {
    this.rejectedMap.delete(id)
  }

  note(questionId: string): string {
    return this.notesMap.get(questionId) ?? ''
  }
  setNote(questionId: string, text: string): void {
    if (text) this.notesMap.set(questionId, text)
    else this.notesMap.delete(questionId)
  }
  notes(): Record<string, string> {
    return this.notesMap.toJSON() as Record<string, string>
  }

  attendees(): Array<Attendee & { userId: string }> {
    return [...this.attendeesMap.entries()].map(([userId, a]) => ({ userId, ...a }))
  }
  setAttendee(userId: string, attendee: Attendee): void {
    this.attendeesMap.set(userId, attendee)
  }

  /**
   * The y-webrtc room staff should be in. The server sets it whenever the staff list
   * changes; consoles in another room fetch the new room and its password from the API.
   */
  peerRoom(): string | undefined {
    const room = this.peerMap.get('room')
    return typeof room === 'string' ? room : undefined
  }
  setPeerRoom(room: string): void {
    if (this.peerMap.get('room') !== room) this.peerMap.set('room', room)
  }
  /** Calls `fn` when the room staff should be in changes; returns the unsubscribe. */
  observePeerRoom(fn: (room: string | undefined) => void): () => void {
    const listener = () => fn(this.peerRoom())
    this.peerMap.observe(listener)
    return () => this.peerMap.unobserve(listener)
  }
}
