import type { Document, Hocuspocus } from '@hocuspocus/server'
import {
  type AuditEntry,
  applyTimerCommand,
  documentName,
  ModDoc,
  OutboxDoc,
  type PendingItem,
  PublicDoc,
  type Receipt,
  RejectReason,
} from '@podium/shared'
import type { Logger } from 'pino'
import { eventsFromAudit } from '../events/from-audit.ts'
import { type EventData, EventType } from '../events/types.ts'
import type { Metrics } from '../metrics/registry.ts'
import type { UnloadGuard } from '../sync/unload-guard.ts'
import { captureTransaction } from './capture.ts'
import { type Decision, decide, type newQuestion } from './decide.ts'
import { HeldBroadcasts } from './hold.ts'
import { KeptDocuments } from './kept-documents.ts'
import { type Actor, carryOutDecisions } from './moderation.ts'
import { type ScanItem, scanOutbox } from './outbox-scan.ts'
import { Presence } from './presence.ts'
import {
  emptyBatch,
  type IngestBatch,
  type IngestRepository,
  type UserState,
} from './repository.ts'
import { storeUntilDone } from './retry.ts'
import { Tallies } from './tallies.ts'
import type { UserRates } from './user-rates.ts'

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
}

/** How soon a tick that failed (the database did not answer) is tried again. */
const RETRY_MS = 1_000

/** What a tick took on, to give back if it fails before changing any document. */
interface Taken {
  users: string[]
  presence: string[]
  recount: string[]
  audit: AuditEntry[]
  decisions: boolean
  timer: boolean
}
const emptyTaken = (): Taken => ({
  users: [],
  presence: [],
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
  private readonly users = new Map<string, UserState>()
  private readonly loadingUsers = new Map<string, Promise<UserState>>()
  /** Per user, how many stores have changed what the database knows of them. */
  private readonly storedFor = new Map<string, number>()
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
  private timer: NodeJS.Timeout | null = null
  private timerDue = 0
  /** Documents the ingest opened itself, kept open for a while after their last use. */
  private readonly kept: KeptDocuments
  private running: Promise<void> | null = null
  private stopped = false
  /** This session's documents loaded on this instance (each has the Ingest's listeners). */
  private readonly documents = new Set<string>()
  private lastActive = Date.now()
  /** Documents whose stored author ids of nameless entries are gone (see forgetNamelessAuthors). */
  private readonly scrubbed = new WeakSet<object>()

  constructor(
    readonly sessionId: string,
    private readonly deps: SessionIngestDeps,
  ) {
    this.presence = new Presence(deps.instanceId)
    this.tallies = new Tallies({
      sessionId,
      repo: deps.repo,
      store: (batch) => this.store(batch),
      afterRunning: (work, failed) => this.afterRunning(work, failed),
      withPublic: async (use) => {
        const opened: Array<() => Promise<void>> = []
        try {
          await use(await this.open(documentName.public(this.sessionId), opened))
        } finally {
          for (const close of opened) await close()
        }
      },
      stopped: () => this.stopped,
    })
    this.kept = new KeptDocuments(deps.hocuspocus, deps.guard, () => this.running, deps.keepOpenMs)
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
    return (
      now - this.lastActive >= idleMs &&
      this.documents.size === 0 &&
      this.timer === null &&
      this.running === null &&
      this.tallies.idle() &&
      this.dirtyUsers.size === 0 &&
      this.loadingUsers.size === 0 &&
      this.pendingAudit.length === 0 &&
      this.presence.size === 0
    )
  }

  // Marks -------------------------------------------------------------------

  async outboxLoaded(userId: string): Promise<void> {
    // Loading the user's state early is only a head start: if it fails, the tick loads it
    // again, and the author's connection is not refused for it.
    await this.userState(userId).catch((error: unknown) =>
      this.deps.log.warn(
        { err: error, session: this.sessionId, userId },
        'loading ingest state failed',
      ),
    )
    this.markOutbox(userId)
  }
  outboxUnloaded(userId: string): void {
    this.users.delete(userId)
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
    this.schedule(Math.max(this.deps.tickMs, this.presence.waitMs(Date.now())))
  }

  /** Re-reports this instance's participant count before other instances see it as stale. */
  refreshPresence(now: number, pub: { participantsReportedAt(id: string): number } | null): void {
    if (!pub) return
    if (this.presence.refresh(now, pub.participantsReportedAt(this.deps.instanceId)))
      this.schedulePresence()
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.tallies.stop()
    await this.running
    await this.kept.closeAll()
  }

  /** Runs pending work now (tests and shutdown use it). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running
    this.running = this.tick(true)
    await this.running
    this.running = null
  }

  /** A tick in `delayMs`, or sooner if one is due sooner already. */
  private schedule(delayMs = this.deps.tickMs): void {
    if (this.stopped) return
    this.lastActive = Date.now()
    const due = this.lastActive + delayMs
    if (this.timer) {
      if (this.timerDue <= due) return
      clearTimeout(this.timer)
    }
    this.timerDue = due
    this.timer = setTimeout(() => {
      this.timer = null
      this.afterRunning(() => this.tick(), 'ingest tick failed')
    }, delayMs)
  }

  /** Runs `work` once what runs now is done: ticks and tally checks never overlap. */
  private afterRunning(work: () => Promise<void>, failed: string): void {
    const previous = this.running ?? Promise.resolve()
    this.running = previous
      .then(work)
      .catch((error) => this.deps.log.error({ err: error, session: this.sessionId }, failed))
      .finally(() => {
        this.running = null
      })
  }

  private userState(userId: string): Promise<UserState> {
    const known = this.users.get(userId)
    if (known) return Promise.resolve(known)
    let loading = this.loadingUsers.get(userId)
    if (!loading) {
      loading = this.loadUserAfterStores(userId).then(
        (state) => {
          this.users.set(userId, state)
          this.loadingUsers.delete(userId)
          return state
        },
        (error: unknown) => {
          // Forget the failure: the next tick loads again.
          this.loadingUsers.delete(userId)
          throw error
        },
      )
      this.loadingUsers.set(userId, loading)
    }
    return loading
  }

  /**
   * Reads a user's state from the database, again if a tick stored decisions of theirs
   * meanwhile: a state read before that store (the author reconnected while it ran) would
   * have the tick's entries decided a second time.
   */
  private async loadUserAfterStores(userId: string): Promise<UserState> {
    for (;;) {
      const before = this.storedFor.get(userId) ?? 0
      const state = await this.deps.repo.loadUser(this.sessionId, userId)
      if ((this.storedFor.get(userId) ?? 0) === before) return state
    }
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
    if (!this.stopped) return this.kept.open(name)
    const connection = await this.deps.guard.openDirect(this.deps.hocuspocus, name)
    opened.push(() => connection.disconnect())
    return connection.document!
  }

  // The tick ----------------------------------------------------------------

  /** `force`: presence too, however recently it was written (flush). */
  private async tick(force = false): Promise<void> {
    if (this.stopped) return
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
    this.presence.giveBack(taken.presence)
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
    const presenceNow = this.presence.due(Date.now(), force)
    // Presence that is not due yet waits for the tick that will be.
    if (this.presence.pending() && !presenceNow) this.schedulePresence()
    const publicName = documentName.public(this.sessionId)
    const modName = documentName.mod(this.sessionId)
    const pubDoc = await this.open(publicName, opened)
    const pub = new PublicDoc(pubDoc)
    const counts = await this.tallies.begin(pub)
    const batch = emptyBatch()
    const event = (data: EventData) =>
      batch.events.push({ ...data, sessionId: this.sessionId, at: now })
    const publicOps: Array<(p: PublicDoc) => void> = []
    const modOps: Array<(m: ModDoc) => void> = []
    const receipts = new Map<string, Array<[string, Receipt]>>()
    const audit: AuditEntry[] = this.pendingAudit
    this.pendingAudit = []
    taken.audit = [...audit]
    const now = Date.now()
    const receipt = (userId: string, entryId: string, r: Receipt) => {
      const list = receipts.get(userId)
      if (list) list.push([entryId, r])
      else receipts.set(userId, [[entryId, r]])
    }

    // Moderation decisions need the mod document; load it only when something is pending there.
    const needMod =
      this.decisionsDirty || (pub.settings().preModeration && this.dirtyUsers.size > 0)
    const modDoc = needMod || presenceNow ? await this.open(modName, opened) : this.loaded(modName)
    const mod = modDoc ? new ModDoc(modDoc) : null
    this.forgetNamelessAuthors(pub, mod, publicOps, modOps)

    // Questions published or queued earlier in this tick count as existing for later entries.
    const added = new Map<string, ReturnType<typeof newQuestion>>()
    const queued = new Map<string, PendingItem>()
    const removed = new Set<string>()
    const editedText = new Map<string, string>()
    /** Ids of the questions and replies published or queued in this tick, and by whom. */
    const claimed = new Map<string, string>()

    // 1. Outbox entries.
    const users = [...this.dirtyUsers]
    this.dirtyUsers.clear()
    taken.users = users.map(([userId]) => userId)
    const userUpdates: Array<{ userId: string; state: UserState; votes: Set<string> }> = []
    for (const [userId, changed] of users) {
      const outboxDoc = this.loaded(documentName.outbox(this.sessionId, userId))
      if (!outboxDoc) continue
      const state = await this.userState(userId)
      const outbox = new OutboxDoc(outboxDoc)
      const raw = changed === 'all' ? outbox.rawEntries() : outbox.rawEntriesOf(changed)
      const items = scanOutbox(raw, (id) => outbox.receipt(id), state)
      const othersUse = await this.idsOfOthers(userId, items)
      // Read once per user: nothing awaits between here and this user's last entry.
      const meta = pub.meta()
      const settings = pub.settings()
      const votes = new Set(state.votes)
      const full = outbox.entryCount() > 5_000
      for (const item of items) {
        if (item.kind === 'known') {
          receipt(userId, item.entryId, item.receipt)
          continue
        }
        if (item.kind === 'invalid') {
          receipt(userId, item.entryId, {
            status: 'rejected',
            seq: item.seq,
            at: now,
            reason: item.reason,
          })
          this.deps.metrics.ingested.labels('invalid', 'rejected').inc()
          continue
        }
        const entry = item.entry
        const decision: Decision =
          full && entry.type !== 'vote'
            ? { kind: 'reject', reason: RejectReason.outboxFull }
            : decide(entry, {
                userId,
                userName: state.name,
                meta,
                settings,
                now,
                question: (id) =>
                  removed.has(id) ? undefined : (added.get(id) ?? pub.questionGate(id)),
                pending: (id) =>
                  removed.has(id) ? undefined : (queued.get(id) ?? mod?.pending(id)),
                asked: (id) => {
                  const status = state.decided.get(id)?.status
                  return claimed.get(id) === userId || status === 'accepted' || status === 'pending'
                },
                taken: (id) =>
                  claimed.has(id) ||
                  othersUse.has(id) ||
                  pub.hasQuestion(id) ||
                  pub.hasReply(id) ||
                  mod?.pending(id) !== undefined ||
                  mod?.hasRejected(id) === true,
                allow: (kind) => this.deps.rates.allow(userId, kind),
              })
        const status =
          decision.kind === 'reject'
            ? 'rejected'
            : decision.kind === 'queue'
              ? 'pending'
              : 'accepted'
        this.deps.metrics.ingested.labels(entry.type, status).inc()
        const reason = decision.kind === 'reject' ? decision.reason : null
        receipt(userId, entry.id, {
          status,
          seq: entry.seq,
          at: now,
          ...(reason ? { reason } : {}),
        })
        if (entry.type !== 'vote') {
          batch.decided.push({
            userId,
            entryId: entry.id,
            seq: entry.seq,
            status,
            reason,
            detail: null,
          })
        }
        switch (decision.kind) {
          case 'publish-question': {
            const questionId = decision.question.id
            event({ type: EventType.questionAsked, questionId, authorId: userId, queued: false })
            event({ type: EventType.questionPublished, questionId, authorId: userId, by: null })
            claimed.set(decision.question.id, userId)
            added.set(decision.question.id, decision.question)
            publicOps.push((p) =>
              p.putQuestion({ ...decision.question, votes: counts.get(decision.question.id) ?? 0 }),
            )
            break
          }
          case 'publish-reply':
            event({
              type: EventType.replyPosted,
              replyId: decision.reply.id,
              questionId: decision.reply.questionId,
              authorId: userId,
              by: null,
            })
            claimed.set(decision.reply.id, userId)
            publicOps.push((p) => p.putReply(decision.reply))
            break
          case 'queue':
            if (decision.item.kind === 'question')
              event({
                type: EventType.questionAsked,
                questionId: decision.item.id,
                authorId: userId,
                queued: true,
              })
            claimed.set(decision.item.id, userId)
            queued.set(decision.item.id, decision.item)
            modOps.push((m) => m.enqueue(decision.item))
            break
          case 'edit':
            if (decision.where === 'public') {
              publicOps.push((p) =>
                p.updateQuestion(decision.questionId, { text: decision.text, editedAt: now }),
              )
            } else {
              editedText.set(decision.questionId, decision.text)
              modOps.push((m) => m.editPending(decision.questionId, decision.text))
            }
            break
          case 'withdraw':
            removed.add(decision.questionId)
            if (decision.where === 'public')
              publicOps.push((p) => p.removeQuestion(decision.questionId))
            else modOps.push((m) => m.dequeue(decision.questionId))
            break
          case 'vote': {
            const has = votes.has(decision.questionId)
            if (decision.up && !has) {
              votes.add(decision.questionId)
              batch.votesAdded.push({ userId, questionId: decision.questionId })
              event({
                type: EventType.voteCounted,
                questionId: decision.questionId,
                userId,
                up: true,
              })
              this.tallies.vote(counts, decision.questionId, true)
            } else if (!decision.up && has) {
              votes.delete(decision.questionId)
              batch.votesRemoved.push({ userId, questionId: decision.questionId })
              event({
                type: EventType.voteCounted,
                questionId: decision.questionId,
                userId,
                up: false,
              })
              this.tallies.vote(counts, decision.questionId, false)
            }
            break
          }
          case 'reject':
            if (entry.type === 'ask')
              event({
                type: EventType.questionRejected,
                questionId: entry.questionId,
                authorId: userId,
                reason: decision.reason,
                by: null,
              })
            break
          default: {
            const unknown: never = decision
            throw new Error(`unknown decision ${JSON.stringify(unknown)}`)
          }
        }
      }
      userUpdates.push({ userId, state, votes })
    }

    // 2. Moderators' decisions on queued items.
    if (this.decisionsDirty && mod) {
      this.decisionsDirty = false
      taken.decisions = true
      await carryOutDecisions(
        {
          mod,
          now,
          counts,
          withdrawn: removed,
          editedText,
          questionShown: (id) => !removed.has(id) && (added.has(id) || pub.hasQuestion(id)),
          authorsOf: async (itemId) =>
            (await repo.authorsOf(this.sessionId, [itemId])).get(itemId) ?? [],
          actor: (itemId) => {
            const actor = this.actors.get(itemId) ?? null
            this.actors.delete(itemId)
            return actor
          },
        },
        { publicOps, modOps, batch, audit, receipt, event },
      )
    }

    // 3. Timer commands, stamped with the server's clock.
    if (this.timerDirty) {
      this.timerDirty = false
      taken.timer = true
      const command = pub.pendingTimerCommand()
      if (command) {
        const timer = applyTimerCommand(pub.stage().timer, command, now)
        publicOps.push((p) => {
          p.setStage({ timer })
          p.clearTimerCommand()
        })
        // The connection that wrote the command; what the command says of its author is
        // not evidence (a command found in a loaded document has no known actor).
        const actor = this.timerActor?.commandId === command.id ? this.timerActor.actor : null
        audit.push({
          at: now,
          actorId: actor?.userId ?? null,
          actorName: actor?.name ?? null,
          actorRole: actor?.role ?? null,
          action: `timer-${command.action}`,
          targetId: null,
        })
      }
    }

    // 4. Presence: the participant count, and who is in the room for moderators.
    if (presenceNow) taken.presence = this.presence.write(now, { publicOps, modOps, event })

    // 5. Vote counts that changed, in the same public transaction.
    const recount = this.tallies.write(counts, publicOps)
    taken.recount = recount

    // Apply: one transaction per document, each update captured for the batch, and held
    // back from clients until the batch is stored. Everything that can fail comes before
    // this point; from here to the store nothing waits.
    const modTarget = modOps.length > 0 ? (modDoc ?? (await this.open(modName, opened))) : null
    const held = new HeldBroadcasts()
    if (publicOps.length > 0) {
      held.hold(pubDoc)
      const update = captureTransaction(pubDoc, () => {
        for (const op of publicOps) op(pub)
      })
      if (update) batch.updates.push({ name: publicName, update })
    }
    if (modTarget) {
      const target = mod ?? new ModDoc(modTarget)
      held.hold(modTarget)
      const update = captureTransaction(modTarget, () => {
        for (const op of modOps) op(target)
      })
      if (update) batch.updates.push({ name: modName, update })
    }
    for (const [userId, list] of receipts) {
      const name = documentName.outbox(this.sessionId, userId)
      const doc = this.loaded(name)
      // An author who is away gets the receipt when their outbox next loads (from the database).
      if (!doc) continue
      const outbox = new OutboxDoc(doc)
      held.hold(doc)
      const update = captureTransaction(doc, () => {
        for (const [entryId, r] of list) {
          const current = outbox.receipt(entryId)
          if (
            !current ||
            current.status !== r.status ||
            current.seq !== r.seq ||
            current.reason !== r.reason
          ) {
            outbox.setReceipt(entryId, r)
          }
        }
      })
      if (update) batch.updates.push({ name, update })
    }

    batch.audit.push(...audit)
    batch.events.push(...eventsFromAudit(this.sessionId, audit))

    // The documents hold this tick's changes now: store them, however long the database
    // takes, before anyone sees them or the next tick runs.
    await this.store(batch)
    held.release()
    // Stored: nothing of it is to be given back should what follows fail.
    Object.assign(taken, emptyTaken())
    if (batch.events.length > 0) this.deps.events.committed()
    this.presence.stored(batch.events)
    this.tallies.stored(counts)
    for (const u of new Set([
      ...userUpdates.map((u) => u.userId),
      ...batch.decided.map((d) => d.userId),
    ]))
      this.storedFor.set(u, (this.storedFor.get(u) ?? 0) + 1)
    for (const { userId, state, votes } of userUpdates) {
      state.votes = votes
      // A state loaded again while this tick stored (its author reconnected) learns it too.
      const current = this.users.get(userId)
      if (current && current !== state) current.votes = new Set(votes)
    }
    for (const d of batch.decided) {
      this.users.get(d.userId)?.decided.set(d.entryId, {
        seq: d.seq,
        status: d.status,
        reason: d.reason,
        detail: d.detail,
      })
    }
    if (this.deps.sharedCounts && recount.length > 0) {
      await this.tallies.reconcile(pubDoc, pub, recount)
    }
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
      stopped: () => this.stopped,
      onRetry: (error, attempt) =>
        this.deps.log.error(
          { err: error, session: this.sessionId, attempt },
          'storing ingest decisions failed; trying again',
        ),
    })
  }
}
