import type * as Y from 'yjs'
import { newId } from '../ids.ts'
import type { OutboxEntry, Receipt } from '../schemas/outbox.ts'
import { voteEntryId } from '../schemas/outbox.ts'

/** What the author sees of one entry: the entry and, once the server has answered, its receipt. */
export interface OutboxItem {
  entry: OutboxEntry
  receipt: Receipt | null
}

/**
 * The top-level maps an outbox has, and the keys each may hold (`null`: any key, as entries
 * and receipts are keyed by entry id). The sync server refuses a client's update that
 * writes anything else into an outbox.
 */
export const OUTBOX_LAYOUT: Readonly<Record<string, readonly string[] | null>> = {
  entries: null,
  receipts: null,
  profile: ['name'],
}

/**
 * Typed access to a user's outbox `session/<id>/user/<userId>`: the only document an
 * attendee writes. Layout: maps `profile`, `entries` (entry id → entry), `receipts`
 * (entry id → receipt, written by the server).
 */
export class OutboxDoc {
  constructor(
    readonly doc: Y.Doc,
    private readonly now: () => number = Date.now,
  ) {}

  private get entriesMap() {
    return this.doc.getMap<unknown>('entries')
  }
  private get receiptsMap() {
    return this.doc.getMap<Receipt>('receipts')
  }
  private get profileMap() {
    return this.doc.getMap<unknown>('profile')
  }

  /** Raw entries as stored: untrusted until the ingest has parsed them. */
  rawEntries(): Array<[string, unknown]> {
    return [...this.entriesMap.entries()]
  }
  /** Raw entries of these ids, leaving out ids with no entry (removed, or only a receipt). */
  rawEntriesOf(ids: Iterable<string>): Array<[string, unknown]> {
    const out: Array<[string, unknown]> = []
    for (const id of ids) if (this.entriesMap.has(id)) out.push([id, this.entriesMap.get(id)])
    return out
  }
  entry(id: string): OutboxEntry | undefined {
    return this.entriesMap.get(id) as OutboxEntry | undefined
  }
  entryCount(): number {
    return this.entriesMap.size
  }

  receipt(id: string): Receipt | undefined {
    return this.receiptsMap.get(id)
  }
  setReceipt(id: string, receipt: Receipt): void {
    this.receiptsMap.set(id, receipt)
  }

  /** Entries whose latest version the server has not receipted yet. */
  unsynced(): OutboxEntry[] {
    const out: OutboxEntry[] = []
    for (const [id, value] of this.entriesMap.entries()) {
      const entry = value as OutboxEntry
      if (this.receiptsMap.get(id)?.seq !== entry.seq) out.push(entry)
    }
    return out
  }

  items(): OutboxItem[] {
    return [...this.entriesMap.entries()]
      .map(([id, value]) => ({
        entry: value as OutboxEntry,
        receipt: this.receiptsMap.get(id) ?? null,
      }))
      .sort((a, b) => a.entry.createdAt - b.entry.createdAt)
  }

  /**
   * The questions this user asked, unless the server refused them: the public document
   * does not name the author of a question asked without a name, so this is how the
   * author's own device recognises it.
   */
  askedQuestions(): Set<string> {
    const ids = new Set<string>()
    for (const [id, value] of this.entriesMap.entries()) {
      const entry = value as Partial<OutboxEntry> | undefined
      if (entry?.type !== 'ask' || typeof entry.questionId !== 'string') continue
      if (this.receiptsMap.get(id)?.status !== 'rejected') ids.add(entry.questionId)
    }
    return ids
  }

  profileName(): string | null {
    return (this.profileMap.get('name') as string | undefined) ?? null
  }
  setProfileName(name: string | null): void {
    this.profileMap.set('name', name)
  }

  // What an attendee does: each call writes one entry, returning its id. --------

  ask(text: string, anonymous = false): { entryId: string; questionId: string } {
    const questionId = newId()
    this.put({
      type: 'ask',
      id: questionId,
      seq: 1,
      createdAt: this.now(),
      questionId,
      text,
      anonymous,
    })
    return { entryId: questionId, questionId }
  }
  edit(questionId: string, text: string): string {
    const id = newId()
    this.put({ type: 'edit', id, seq: 1, createdAt: this.now(), questionId, text })
    return id
  }
  withdraw(questionId: string): string {
    const id = newId()
    this.put({ type: 'withdraw', id, seq: 1, createdAt: this.now(), questionId })
    return id
  }
  /** Votes are state, not events: one entry per question holds what the user wants now. */
  vote(questionId: string, up: boolean): string {
    const id = voteEntryId(questionId)
    const previous = this.entry(id)
    const seq = Math.max((previous?.seq ?? 0) + 1, this.now())
    this.put({ type: 'vote', id, seq, createdAt: this.now(), questionId, up })
    return id
  }
  /** What this user's vote on a question is, as they last set it (before any receipt). */
  myVote(questionId: string): boolean {
    const entry = this.entry(voteEntryId(questionId))
    return entry?.type === 'vote' ? entry.up : false
  }
  reply(questionId: string, text: string, anonymous = false): string {
    const id = newId()
    this.put({
      type: 'reply',
      id,
      seq: 1,
      createdAt: this.now(),
      replyId: id,
      questionId,
      text,
      anonymous,
    })
    return id
  }

  private put(entry: OutboxEntry): void {
    this.entriesMap.set(entry.id, entry)
  }
}
