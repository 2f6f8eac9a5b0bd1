import type { Document, Hocuspocus } from '@hocuspocus/server'
import { type AuditEntry, applyTimerCommand, documentName, ModDoc, PublicDoc } from '@podium/shared'
import type { Logger } from 'pino'
import type { Metrics } from '../metrics/registry.ts'
import type { UnloadGuard } from '../sync/unload-guard.ts'
import { applyPlan } from './apply.ts'
import { KeptDocuments } from './kept-documents.ts'
import { type Actor, carryOutDecisions } from './moderation.ts'
import type { ScanItem } from './outbox-scan.ts'
import { decideOutboxes } from './outbox-step.ts'
import { TickPlan } from './plan.ts'
import { Presence } from './presence.ts'
import type { IngestBatch, IngestRepository } from './repository.ts'
import { storeUntilDone } from './retry.ts'
import { TickScheduler } from './scheduler.ts'
import { Tallies } from './tallies.ts'
import type { UserRates } from './user-rates.ts'
import { UserStates } from './user-states.ts'

export interface SessionIngestDeps {
  hocuspocus: Hocuspocus
  guard: UnloadGuard
  repo: IngestRepository
  log: Logger
  metrics: Metrics
  tickMs: number
  /** This server instance; several share a session's documents through Redis. */
  instanceId: string
  /** Other instances write votes too: take tallies from the database after each commit. */
  sharedCounts: boolean
  /** Users' post and vote allowances (kept by the Ingest, across reconnects and unloads). */
  rates: UserRates
  /** How long a document the ingest opened itself stays open after its last use. */
  keepOpenMs: number
  /** Told after each store, so event subscribers take up what it stored at once. */
  events: { committed(): void }
  /** The time a tick stamps its decisions and events with, and presence is timed by. */
  clock: () => number
}

/** How soon a tick that failed (the database did not answer) is tried again. */
const RETRY_MS = 1_000

/** What a tick took on, to give back if it fails before changing any document. */
interface Taken {
  users: string[]
  presence: string[]
  announced: string[]
  recount: string[]
  audit: AuditEntry[]
  decisions: boolean
  timer: boolean
}
const emptyTaken = (): Taken => ({
  users: [],
  presence: [],
  announced: [],
  recount: [],
  audit: [],
  decisions: false,
  timer: false,
})

/**
 * One session's ingest. Outbox changes, moderation decisions, timer commands and
 * presence changes mark it dirty; a tick (at most one per `tickMs`) decides everything
 * pending, writes the public document, the moderators' document and receipts in one
 * transaction each, and stores decisions and those updates in one database transaction.
 */
export class SessionIngest {
  private readonly users: UserStates
  private readonly scheduler: TickScheduler
  /** Users whose outbox changed: the entry ids that did, or `all` for a full scan. */
  private readonly dirtyUsers = new Map<string, Set<string> | 'all'>()
  /** Who delivered each decision, by item id. */
  private readonly actors = new Map<string, Actor>()
  /** Who wrote the latest timer command (each one replaces the one before). */
  private timerActor: { commandId: string; actor: Actor } | null = null
  private readonly tallies: Tallies
  private decisionsDirty = true
  private timerDirty = true
  private readonly presence: Presence
  private pendingAudit: AuditEntry[] = []
  /** Documents the ingest opened itself, kept open for a while after their last use. */
  private readonly kept: KeptDocuments
  /** This session's documents loaded on this instance (each has the Ingest's listeners). */
  private readonly documents = new Set<string>()
  private lastActive = Date.now()
  /** Documents whose stored author ids of nameless entries are gone (see forgetNamelessAuthors). */
  private readonly scrubbed = new WeakSet<object>()

  constructor(
    readonly sessionId: string,
    private readonly deps: SessionIngestDeps,
  ) {
    this.scheduler = new TickScheduler(
      (force) => this.tick(force),
      (error, what) => deps.log.error({ err: error, session: sessionId }, what),
      deps.tickMs,
    )
    this.presence = new Presence(deps.instanceId)
    this.users = new UserStates(sessionId, deps.repo)
    this.tallies = new Tallies({
      sessionId,
      repo: deps.repo,
      store: (batch) => this.store(batch),
      afterRunning: (work, failed) => this.scheduler.afterRunning(work, failed),
      withPublic: async (use) => {
        const opened: Array<() => Promise<void>> = []
        try {
          await use(await this.open(documentName.public(this.sessionId), opened))
        } finally {
          for (const close of opened) await close()
        }
      },
      stopped: () => this.scheduler.stopped,
    })
    this.kept = new KeptDocuments(
      deps.hocuspocus,
      deps.guard,
      () => this.scheduler.running,
      deps.keepOpenMs,
    )
  }

  // Lifetime ------------------------------------------------------------------

  documentLoaded(name: string): void {
    this.documents.add(name)
    this.lastActive = Date.now()
  }
  documentUnloaded(name: string): void {
    this.documents.delete(name)
    this.lastActive = Date.now()
  }

  /**
   * Whether this object can be dropped: none of the session's documents is loaded here,
   * nothing is pending, running or due, and nothing happened for `idleMs`. What it holds
   * then is what a new one rebuilds on the next activity: users' decisions and the vote
   * counts from the database, presence from connections (there are none).
   */
  idle(now: number, idleMs: number): boolean {
    return this.busy(now, idleMs).length === 0
  }

  /** What keeps this session from being idle (for idle() and for diagnosing a stuck one). */
  busy(now: number, idleMs: number): string[] {
    const reasons: Array<[boolean, string]> = [
      [now - this.lastActive < idleMs, 'recent activity'],
      [this.documents.size > 0, `documents loaded: ${[...this.documents].join(', ')}`],
      [!this.scheduler.idle, 'a tick running or due'],
      [!this.tallies.idle(), 'tallies to read back'],
      [this.dirtyUsers.size > 0, 'outboxes to scan'],
      [this.users.loadingCount > 0, 'users loading'],
      [this.pendingAudit.length > 0, 'audit entries pending'],
      [this.presence.size > 0, 'people present'],
    ]
    return reasons.filter(([on]) => on).map(([, why]) => why)
  }

  // Marks -------------------------------------------------------------------

  async outboxLoaded(userId: string): Promise<void> {
    // Loading the user's state early is only a head start: if it fails, the tick loads it
    // again, and the author's connection is not refused for it.
    await this.users
      .get(userId)
      .catch((error: unknown) =>
        this.deps.log.warn(
          { err: error, session: this.sessionId, userId },
          'loading ingest state failed',
        ),
      )
    this.markOutbox(userId)
  }
  outboxUnloaded(userId: string): void {
    this.users.forget(userId)
  }
  /**
   * The user's outbox changed: `entryIds` are the entries (or receipts) that did; without
   * them the whole outbox is scanned. Scanning only what changed keeps a vote storm from
   * parsing every earlier entry of every voter on every tick.
   */
  markOutbox(userId: string, entryIds?: Iterable<string>): void {
    const current = this.dirtyUsers.get(userId)
    if (!entryIds) this.dirtyUsers.set(userId, 'all')
    else if (current !== 'all') {
      const ids = current ?? new Set<string>()
      for (const id of entryIds) ids.add(id)
      this.dirtyUsers.set(userId, ids)
    }
    this.schedule()
  }
  markDecisions(itemIds: Iterable<string>, actor: Actor | null): void {
    if (actor) for (const id of itemIds) this.actors.set(id, actor)
    this.decisionsDirty = true
    this.schedule()
  }
  /** A timer command may be waiting; `written` names one a staff connection just wrote. */
  markTimer(written?: { commandId: string; actor: Actor }): void {
    if (written) this.timerActor = written
    this.timerDirty = true
    this.schedule()
  }
  /** Staff changes to the documents, stored in the audit log with the tick's batch. */
  addAudit(entries: AuditEntry[]): void {
    if (entries.length === 0) return
    this.pendingAudit.push(...entries)
    this.schedule()
  }
  markCounts(): void {
    this.tallies.invalidate()
    this.schedule()
  }
  presenceChanged(userId: string, name: string | null, delta: 1 | -1): void {
    this.presence.changed(userId, name, delta)
    this.schedulePresence()
  }

  /** A tick when presence may be written next (see PRESENCE_PUBLISH_MS). */
  private schedulePresence(): void {
    this.schedule(Math.max(this.deps.tickMs, this.presence.waitMs(this.deps.clock())))
  }

  /** Re-reports this instance's participant count before other instances see it as stale. */
  refreshPresence(now: number, pub: { participantsReportedAt(id: string): number } | null): void {
    if (!pub) return
    if (this.presence.refresh(now, pub.participantsReportedAt(this.deps.instanceId)))
      this.schedulePresence()
  }

  async stop(): Promise<void> {
    // Stopped first (synchronously), so nothing that runs meanwhile schedules more.
    const stopping = this.scheduler.stop()
    this.tallies.stop()
    await stopping
    await this.kept.closeAll()
  }

  /** Runs pending work now (tests and shutdown use it). */
  flush(): Promise<void> {
    return this.scheduler.flush()
  }

  /** A tick in `delayMs`, or sooner if one is due sooner already. */
  private schedule(delayMs = this.deps.tickMs): void {
    if (this.scheduler.stopped) return
    this.lastActive = Date.now()
    this.scheduler.schedule(delayMs)
  }

  private loaded(name: string): Document | undefined {
    const doc = this.deps.hocuspocus.documents.get(name)
    return doc && !doc.isLoading ? doc : undefined
  }

  /**
   * A document to write: the loaded one, or one opened here and kept open for a while
   * (see KeptDocuments); `opened` gets closers only for what must not outlive the tick.
   */
  private async open(name: string, opened: Array<() => Promise<void>>): Promise<Document> {
    const document = this.kept.use(name) ?? this.loaded(name)
    if (document) return document
    if (!this.scheduler.stopped) return this.kept.open(name)
    const connection = await this.deps.guard.openDirect(this.deps.hocuspocus, name)
    opened.push(() => connection.disconnect())
    return connection.document!
  }

  // The tick ----------------------------------------------------------------

  /** `force`: presence too, however recently it was written (flush). */
  private async tick(force = false): Promise<void> {
    if (this.scheduler.stopped) return
    const started = performance.now()
    const opened: Array<() => Promise<void>> = []
    const taken = emptyTaken()
    try {
      await this.tickWith(opened, taken, force)
    } catch (error) {
      // A tick that fails before it changes any document gives back what it took on; the
      // next one, a moment later, takes it up again.
      this.giveBack(taken)
      this.schedule(RETRY_MS)
      throw error
    } finally {
      for (const close of opened) await close()
      this.deps.metrics.ingestTick.observe((performance.now() - started) / 1000)
    }
  }

  private giveBack(taken: Taken): void {
    for (const u of taken.users) this.dirtyUsers.set(u, 'all')
    this.presence.giveBack(taken.presence, taken.announced)
    this.tallies.giveBack(taken.recount)
    this.pendingAudit.unshift(...taken.audit)
    if (taken.decisions) this.decisionsDirty = true
    if (taken.timer) this.timerDirty = true
  }

  private async tickWith(
    opened: Array<() => Promise<void>>,
    taken: Taken,
    force: boolean,
  ): Promise<void> {
    const { repo } = this.deps
    const presenceNow = this.presence.due(this.deps.clock(), force)
    // Presence that is not due yet waits for the tick that will be.
    if (this.presence.pending() && !presenceNow) this.schedulePresence()
    const publicName = documentName.public(this.sessionId)
    const modName = documentName.mod(this.sessionId)
    const pubDoc = await this.open(publicName, opened)
    const pub = new PublicDoc(pubDoc)
    const counts = await this.tallies.begin(pub)
    const audit = this.pendingAudit
    this.pendingAudit = []
    taken.audit = [...audit]
    const plan = new TickPlan(this.sessionId, this.deps.clock(), audit)
    const { now } = plan

    // Moderation decisions need the mod document; load it only when something is pending there.
    const needMod =
      this.decisionsDirty || (pub.settings().preModeration && this.dirtyUsers.size > 0)
    const modDoc = needMod || presenceNow ? await this.open(modName, opened) : this.loaded(modName)
    const mod = modDoc ? new ModDoc(modDoc) : null
    this.forgetNamelessAuthors(pub, mod, plan.publicOps, plan.modOps)

    // 1. Who came and went, before anything they did.
    taken.announced = this.presence.announce(plan)

    // 2. Outbox entries.
    const users = [...this.dirtyUsers]
    this.dirtyUsers.clear()
    taken.users = users.map(([userId]) => userId)
    const userUpdates = await decideOutboxes(
      users,
      {
        pub,
        mod,
        counts,
        tallies: this.tallies,
        rates: this.deps.rates,
        metrics: this.deps.metrics,
        outbox: (userId) => this.loaded(documentName.outbox(this.sessionId, userId)),
        userState: (userId) => this.users.get(userId),
        idsOfOthers: (userId, items) => this.idsOfOthers(userId, items),
      },
      plan,
    )

    // 3. Moderators' decisions on queued items.
    if (this.decisionsDirty && mod) {
      this.decisionsDirty = false
      taken.decisions = true
      await carryOutDecisions(
        {
          mod,
          now,
          counts,
          withdrawn: plan.removed,
          editedText: plan.editedText,
          questionShown: (id) =>
            !plan.removed.has(id) && (plan.added.has(id) || pub.hasQuestion(id)),
          authorsOf: async (itemId) =>
            (await repo.authorsOf(this.sessionId, [itemId])).get(itemId) ?? [],
          actor: (itemId) => {
            const actor = this.actors.get(itemId) ?? null
            this.actors.delete(itemId)
            return actor
          },
        },
        plan,
      )
    }

    // 4. Timer commands, stamped with the server's clock.
    if (this.timerDirty) {
      this.timerDirty = false
      taken.timer = true
      this.timerStep(pub, plan)
    }

    // 5. Presence: the participant count, and who is in the room for moderators.
    if (presenceNow) taken.presence = this.presence.write(now, plan)

    // 6. Vote counts that changed, in the same public transaction.
    const recount = this.tallies.write(counts, plan.publicOps)
    taken.recount = recount

    // 7. Apply to the documents, held back from clients until stored.
    const held = await applyPlan(plan, {
      pubDoc,
      pub,
      publicName,
      mod: async () => {
        const doc = modDoc ?? (await this.open(modName, opened))
        return { doc, mod: mod ?? new ModDoc(doc), name: modName }
      },
      outbox: (userId) => {
        const name = documentName.outbox(this.sessionId, userId)
        const doc = this.loaded(name)
        return doc ? { doc, name } : undefined
      },
    })

    // The documents hold this tick's changes now: store them, however long the database
    // takes, before anyone sees them or the next tick runs.
    const { batch } = plan
    await this.store(batch)
    held.release()
    // Stored: nothing of it is to be given back should what follows fail.
    Object.assign(taken, emptyTaken())
    if (batch.events.length > 0) this.deps.events.committed()
    this.presence.stored(batch.events)
    this.tallies.stored(counts)
    this.users.stored(userUpdates, batch)
    if (this.deps.sharedCounts && recount.length > 0) {
      await this.tallies.reconcile(pubDoc, pub, recount)
    }
  }

  /** The timer step: a pending command applied with the server's clock, and audited. */
  private timerStep(pub: PublicDoc, plan: TickPlan): void {
    const command = pub.pendingTimerCommand()
    if (!command) return
    const timer = applyTimerCommand(pub.stage().timer, command, plan.now)
    plan.publicOps.push((p) => {
      p.setStage({ timer })
      p.clearTimerCommand()
    })
    // The connection that wrote the command; what the command says of its author is
    // not evidence (a command found in a loaded document has no known actor).
    const actor = this.timerActor?.commandId === command.id ? this.timerActor.actor : null
    plan.audit.push({
      at: plan.now,
      actorId: actor?.userId ?? null,
      actorName: actor?.name ?? null,
      actorRole: actor?.role ?? null,
      action: `timer-${command.action}`,
      targetId: null,
    })
  }

  /**
   * The ids of these new questions, replies and edits that another author's entry already
   * has (withdrawn and refused ones too, which no document shows any more): see
   * DecideContext.taken. Votes, the bulk of what is sent, ask nothing of the database.
   */
  private async idsOfOthers(userId: string, items: ScanItem[]): Promise<Set<string>> {
    const ids: string[] = []
    for (const item of items) {
      // Edits too: under pre-moderation one is queued as an item under its own id.
      if (item.kind === 'new' && ['ask', 'reply', 'edit'].includes(item.entry.type))
        ids.push(item.entry.id)
    }
    const others = new Set<string>()
    if (ids.length === 0) return others
    for (const [id, authors] of await this.deps.repo.authorsOf(this.sessionId, ids)) {
      if (authors.some((a) => a.userId !== userId)) others.add(id)
    }
    return others
  }

  /**
   * Once per loaded document: author ids that a document written before nameless entries
   * left them out still stores are taken out, so whoever syncs it next cannot read them.
   */
  private forgetNamelessAuthors(
    pub: PublicDoc,
    mod: ModDoc | null,
    publicOps: Array<(p: PublicDoc) => void>,
    modOps: Array<(m: ModDoc) => void>,
  ): void {
    if (!this.scrubbed.has(pub.doc)) {
      publicOps.push((p) => {
        p.forgetNamelessAuthors()
        this.scrubbed.add(p.doc)
      })
    }
    if (mod && !this.scrubbed.has(mod.doc)) {
      modOps.push((m) => {
        m.forgetNamelessAuthors()
        this.scrubbed.add(m.doc)
      })
    }
  }

  private store(batch: IngestBatch): Promise<void> {
    return storeUntilDone(() => this.deps.repo.commit(this.sessionId, batch), {
      stopped: () => this.scheduler.stopped,
      onRetry: (error, attempt) =>
        this.deps.log.error(
          { err: error, session: this.sessionId, attempt },
          'storing ingest decisions failed; trying again',
        ),
    })
  }
}
