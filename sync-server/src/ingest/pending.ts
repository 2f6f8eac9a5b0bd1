import type { Actor, AuditEntry } from '@podium/shared'
import type { Open } from './opens.ts'

/** What a tick took on, to give back if it fails before changing any document. */
export interface Taken {
  users: string[]
  presence: string[]
  announced: string[]
  opens: Open[]
  recount: string[]
  audit: AuditEntry[]
  decisions: boolean
  timer: boolean
}

export const emptyTaken = (): Taken => ({
  users: [],
  presence: [],
  announced: [],
  opens: [],
  recount: [],
  audit: [],
  decisions: false,
  timer: false,
})

/**
 * What waits for a session's next tick: the outboxes that changed, whether moderators'
 * decisions or a timer command may be waiting (both are looked for once after a start),
 * who delivered them, and the audit entries to store. A tick takes what it works on,
 * noting it in its Taken; one that fails before it changes any document gives it back
 * (giveBack), and the next tick takes it up again. Presence and tallies keep their own
 * pending work; a tick notes what it took of theirs in the same Taken.
 */
export class PendingWork {
  /** Users whose outbox changed: the entry ids that did, or `all` for a full scan. */
  private readonly outboxes = new Map<string, Set<string> | 'all'>()
  /** Who delivered each decision, by item id. */
  private readonly actors = new Map<string, Actor>()
  /** Who wrote the latest timer command (each one replaces the one before). */
  private timerActor: { commandId: string; actor: Actor } | null = null
  private decisionsDirty = true
  private timerDirty = true
  private audit: AuditEntry[] = []

  /** How many outboxes wait to be scanned. */
  get outboxCount(): number {
    return this.outboxes.size
  }

  get auditCount(): number {
    return this.audit.length
  }

  get decisionsPending(): boolean {
    return this.decisionsDirty
  }

  /** The user's outbox changed: these entries (merged with earlier ones), or all of it. */
  markOutbox(userId: string, entryIds?: Iterable<string>): void {
    const current = this.outboxes.get(userId)
    if (!entryIds) this.outboxes.set(userId, 'all')
    else if (current !== 'all') {
      const ids = current ?? new Set<string>()
      for (const id of entryIds) ids.add(id)
      this.outboxes.set(userId, ids)
    }
  }

  /** Decisions may be waiting; `actor` delivered those on `itemIds`. */
  markDecisions(itemIds: Iterable<string>, actor: Actor | null): void {
    if (actor) for (const id of itemIds) this.actors.set(id, actor)
    this.decisionsDirty = true
  }

  /** A timer command may be waiting; `written` names one a staff connection just wrote. */
  markTimer(written?: { commandId: string; actor: Actor }): void {
    if (written) this.timerActor = written
    this.timerDirty = true
  }

  /** Staff changes to the documents; says whether there were any. */
  addAudit(entries: AuditEntry[]): boolean {
    if (entries.length === 0) return false
    this.audit.push(...entries)
    return true
  }

  /** The audit entries waiting, all taken. */
  takeAudit(taken: Taken): AuditEntry[] {
    const audit = this.audit
    this.audit = []
    taken.audit = [...audit]
    return audit
  }

  /** The outboxes to scan, all taken. */
  takeOutboxes(taken: Taken): Array<[string, Set<string> | 'all']> {
    const users = [...this.outboxes]
    this.outboxes.clear()
    taken.users = users.map(([userId]) => userId)
    return users
  }

  /** Whether decisions may be waiting; if so they are taken. */
  takeDecisions(taken: Taken): boolean {
    if (!this.decisionsDirty) return false
    this.decisionsDirty = false
    taken.decisions = true
    return true
  }

  /** Whether a timer command may be waiting; if so it is taken. */
  takeTimer(taken: Taken): boolean {
    if (!this.timerDirty) return false
    this.timerDirty = false
    taken.timer = true
    return true
  }

  /** Who delivered the decision on `itemId`, told once (null: no connection of this server). */
  decisionActor(itemId: string): Actor | null {
    const actor = this.actors.get(itemId) ?? null
    this.actors.delete(itemId)
    return actor
  }

  /** Who wrote the timer command `commandId`, if it is the latest a connection wrote. */
  timerActorOf(commandId: string): Actor | null {
    return this.timerActor?.commandId === commandId ? this.timerActor.actor : null
  }

  /** What a failed tick took of this: outboxes come back for a full scan. */
  giveBack(taken: Taken): void {
    for (const u of taken.users) this.outboxes.set(u, 'all')
    this.audit.unshift(...taken.audit)
    if (taken.decisions) this.decisionsDirty = true
    if (taken.timer) this.timerDirty = true
  }
}
