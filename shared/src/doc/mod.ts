import type * as Y from 'yjs'
import type { Attendee, AuditEntry, PendingItem, RejectedItem } from './schema.ts'

/** How many audit entries the moderators' document keeps (older ones stay in exports). */
export const AUDIT_KEEP = 5_000

/**
 * Typed access to the moderators' document `session/<id>/mod`.
 * Layout: maps `queue` (pending review), `rejected`, `notes` (question id → text),
 * `attendees` (user id → who is in the room); array `audit`.
 */
export class ModDoc {
  constructor(readonly doc: Y.Doc) {}

  private get queueMap() {
    return this.doc.getMap<PendingItem>('queue')
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
  private get auditArray() {
    return this.doc.getArray<AuditEntry>('audit')
  }

  queue(): PendingItem[] {
    return [...this.queueMap.values()].sort((a, b) => a.createdAt - b.createdAt)
  }
  pending(id: string): PendingItem | undefined {
    return this.queueMap.get(id)
  }
  enqueue(item: PendingItem): void {
    this.queueMap.set(item.id, item)
  }
  /** A moderator edits a pending item's text before deciding. */
  editPending(id: string, text: string): void {
    const item = this.queueMap.get(id)
    if (item) this.queueMap.set(id, { ...item, text })
  }
  decide(id: string, decision: NonNullable<PendingItem['decision']>): void {
    const item = this.queueMap.get(id)
    if (item) this.queueMap.set(id, { ...item, decision })
  }
  dequeue(id: string): void {
    this.queueMap.delete(id)
  }

  rejected(): RejectedItem[] {
    return [...this.rejectedMap.values()].sort((a, b) => b.at - a.at)
  }
  putRejected(item: RejectedItem): void {
    this.rejectedMap.set(item.id, item)
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

  audit(): AuditEntry[] {
    return this.auditArray.toArray()
  }
  appendAudit(...entries: AuditEntry[]): void {
    this.doc.transact(() => {
      this.auditArray.push(entries)
      const excess = this.auditArray.length - AUDIT_KEEP
      if (excess > 0) this.auditArray.delete(0, excess)
    })
  }
}
