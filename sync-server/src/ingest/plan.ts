import type { AuditEntry, ModDoc, PendingItem, PublicDoc, Receipt } from '@podium/shared'
import type { EventData } from '../events/types.ts'
import type { newQuestion } from './decide.ts'
import { emptyBatch, type IngestBatch } from './repository.ts'

/**
 * What one tick is going to do, filled in by its steps (outboxes, moderation, timer,
 * presence, tallies) and then applied to the documents and stored in one batch. Steps
 * write only here; what they decide earlier in a tick is visible to later entries
 * through the maps below.
 */
export class TickPlan {
  readonly batch: IngestBatch = emptyBatch()
  readonly publicOps: Array<(p: PublicDoc) => void> = []
  readonly modOps: Array<(m: ModDoc) => void> = []
  /** Receipts to write, per author. */
  readonly receipts = new Map<string, Array<[string, Receipt]>>()
  /** Questions published earlier in this tick. */
  readonly added = new Map<string, ReturnType<typeof newQuestion>>()
  /** Items queued earlier in this tick. */
  readonly queued = new Map<string, PendingItem>()
  /** Questions withdrawn earlier in this tick. */
  readonly removed = new Set<string>()
  /** Texts authors changed earlier in this tick, not yet in their queue item. */
  readonly editedText = new Map<string, string>()
  /** The order of the latest edit of each question decided in this tick (see nextEditOrder). */
  readonly editOrders = new Map<string, number>()
  /** Ids of the questions and replies published or queued in this tick, and by whom. */
  readonly claimed = new Map<string, string>()
  /**
   * The votes decided in this tick, and whether the tally counted each (what the instance
   * knew of the user's votes said it changes something): the commit says what did.
   */
  readonly votes: Array<{ userId: string; questionId: string; up: boolean; counted: boolean }> = []
  /** When each entry decided in this tick was made (its client's clock), for the latency metrics. */
  readonly made: Array<{ type: string; createdAt: number }> = []

  constructor(
    readonly sessionId: string,
    readonly now: number,
    /** Staff changes seen since the last tick, and what this tick adds to them. */
    readonly audit: AuditEntry[],
  ) {}

  receipt = (userId: string, entryId: string, r: Receipt): void => {
    const list = this.receipts.get(userId)
    if (list) list.push([entryId, r])
    else this.receipts.set(userId, [[entryId, r]])
  }

  event = (data: EventData): void => {
    this.batch.events.push({ ...data, sessionId: this.sessionId, at: this.now })
  }
}
