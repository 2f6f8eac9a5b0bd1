import type { Hocuspocus } from '@hocuspocus/server'
import type { Tracer } from '@opentelemetry/api'
import {
  type Actor,
  type AuditEntry,
  documentName,
  type OpenedView,
  OutboxDoc,
} from '@podium/shared'
import type { Logger } from 'pino'
import type { DeviceClass } from '../auth/device-label.ts'
import type { Db } from '../db/connect.ts'
import type { Metrics } from '../observability/metrics.ts'
import { traced } from '../observability/telemetry.ts'
import { SessionPolls } from '../polls/session-polls.ts'
import type { UnloadGuard } from '../sync/unload-guard.ts'
import { SessionDocuments } from './documents.ts'
import { SessionLifetime } from './lifetime.ts'
import { Opens } from './opens.ts'
import { PendingWork } from './pending.ts'
import { Presence } from './presence.ts'
import { RelayedEntries } from './relayed.ts'
import type { IngestBatch, IngestRepository, Stored } from './repository.ts'
import { storeUntilDone } from './retry.ts'
import { TickScheduler } from './scheduler.ts'
import { Tallies } from './tallies.ts'
import { runTick, type TickParts } from './tick.ts'
import type { UserRates } from './user-rates.ts'
import { UserStates } from './user-states.ts'

export interface SessionIngestDeps {
  hocuspocus: Hocuspocus
  guard: UnloadGuard
  repo: IngestRepository
  /** The database, for the poll answers (polls/). */
  db: Db
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
  /** Each tick is a span when traces are sent (OTEL_EXPORTER_OTLP_ENDPOINT). */
  tracer?: Tracer
}

/** How soon a tick that failed (the database did not answer) is tried again. */
const RETRY_MS = 1_000

/**
 * One session's ingest. Outbox changes, moderation decisions, timer commands and
 * presence changes mark it dirty; a tick (at most one per `tickMs`, see tick.ts) decides
 * everything pending, writes the public document, the moderators' document and receipts
 * in one transaction each, and stores decisions and those updates in one database
 * transaction. This class holds the parts and passes work between them: what waits
 * (PendingWork), when a tick runs (TickScheduler), the documents it writes
 * (SessionDocuments), how long the session is kept (SessionLifetime), presence, tallies
 * and what is known of each author (UserStates).
 */
export class SessionIngest {
  private readonly scheduler: TickScheduler
  private readonly pending = new PendingWork()
  private readonly lifetime = new SessionLifetime()
  private readonly documents: SessionDocuments
  private readonly users: UserStates
  private readonly presence: Presence
  private readonly opens = new Opens()
  private readonly tallies: Tallies
  private readonly polls: SessionPolls
  private readonly parts: TickParts
  private readonly relayed = new RelayedEntries((userId, ids) => this.checkRelayed(userId, ids))

  constructor(
    readonly sessionId: string,
    private readonly deps: SessionIngestDeps,
  ) {
    this.scheduler = new TickScheduler(
      (force) => this.tick(force),
      (error, what) => deps.log.error({ err: error, session: sessionId }, what),
      deps.tickMs,
    )
    this.documents = new SessionDocuments({
      hocuspocus: deps.hocuspocus,
      guard: deps.guard,
      keepOpenMs: deps.keepOpenMs,
      running: () => this.scheduler.running,
      stopped: () => this.scheduler.stopped,
    })
    this.presence = new Presence(deps.instanceId)
    this.users = new UserStates(sessionId, deps.repo)
    this.tallies = new Tallies({
      sessionId,
      repo: deps.repo,
      store: (batch) => this.store(batch),
      afterRunning: (work, failed) => this.scheduler.afterRunning(work, failed),
      withPublic: (use) => this.documents.withOpen(documentName.public(sessionId), use),
      stopped: () => this.scheduler.stopped,
    })
    this.polls = new SessionPolls({
      sessionId,
      db: deps.db,
      sharedCounts: deps.sharedCounts,
      wake: () => this.markPolls(false),
      tick: () => this.schedule(),
      stopped: () => this.scheduler.stopped,
      store: (batch) => this.store(batch),
      afterRunning: (work, failed) => this.scheduler.afterRunning(work, failed),
      withPublic: (use) => this.documents.withOpen(documentName.public(sessionId), use),
    })
    this.parts = {
      ...deps,
      sessionId,
      pending: this.pending,
      presence: this.presence,
      opens: this.opens,
      tallies: this.tallies,
      polls: this.polls,
      users: this.users,
      documents: this.documents,
      schedulePresence: () => this.schedulePresence(),
      store: (batch) => this.store(batch),
      markOutbox: (userId, entryIds) => this.markOutbox(userId, entryIds),
    }
  }

  // Lifetime ------------------------------------------------------------------

  documentLoaded(name: string): void {
    this.lifetime.documentLoaded(name)
  }
  documentUnloaded(name: string): void {
    this.lifetime.documentUnloaded(name)
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
    return this.lifetime.busy(now, idleMs, [
      [!this.scheduler.idle, 'a tick running or due'],
      [!this.tallies.idle(), 'tallies to read back'],
      [!this.polls.idle(), 'poll results to count again'],
      [this.pending.outboxCount > 0, 'outboxes to scan'],
      [this.relayed.size > 0, 'relayed entries to look at'],
      [this.users.loadingCount > 0, 'users loading'],
      [this.pending.auditCount > 0, 'audit entries pending'],
      [this.presence.size > 0, 'people present'],
    ])
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
    this.pending.markOutbox(userId, entryIds)
    this.schedule()
  }
  /** Entries of the user's outbox that another instance relayed here (see RelayedEntries). */
  noteRelayed(userId: string, entryIds: Iterable<string>): void {
    this.relayed.note(userId, entryIds)
  }
  /** Relayed entries whose grace is over: those still without a receipt of their version are marked. */
  private checkRelayed(userId: string, entryIds: string[]): void {
    if (this.scheduler.stopped) return
    const doc = this.documents.loaded(documentName.outbox(this.sessionId, userId))
    // Only where a device of the author is connected: one that connects later has the
    // outbox scanned then (Ingest.connected), and a load scans it whole. An outbox the
    // ingest opened itself (a poll review) is no reason to decide for its instance.
    if (!doc || doc.getConnections().length === 0) return
    const outbox = new OutboxDoc(doc)
    const undecided = entryIds.filter((id) => {
      const entry = outbox.entry(id)
      return entry !== undefined && outbox.receipt(id)?.seq !== entry.seq
    })
    if (undecided.length === 0) return
    this.deps.log.info(
      { session: this.sessionId, userId, entries: undecided.length },
      'deciding entries another instance relayed and left undecided',
    )
    this.markOutbox(userId, undecided)
  }
  markDecisions(itemIds: Iterable<string>, actor: Actor | null): void {
    this.pending.markDecisions(itemIds, actor)
    this.schedule()
  }
  /** A timer command may be waiting; `written` names one a staff connection just wrote. */
  markTimer(written?: { commandId: string; actor: Actor }): void {
    this.pending.markTimer(written)
    this.schedule()
  }
  /** Staff changes to the documents, stored in the audit log with the tick's batch. */
  addAudit(entries: AuditEntry[]): void {
    if (this.pending.addAudit(entries)) this.schedule()
  }
  /** Staff changed polls (`secrets`: their staff-only part in the moderators' document). */
  markPolls(secrets: boolean): void {
    this.polls.markDirty(secrets)
    this.schedule()
  }
  markCounts(): void {
    this.tallies.invalidate()
    this.schedule()
  }
  presenceChanged(userId: string, name: string | null, delta: 1 | -1, device?: DeviceClass): void {
    this.presence.changed(userId, name, delta, device)
    this.schedulePresence()
  }

  /** Someone's authenticated connection opened the room or the projector. */
  opened(userId: string, view: OpenedView): void {
    if (this.opens.opened(userId, view, this.deps.clock())) this.schedule()
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
    this.relayed.stop()
    this.tallies.stop()
    this.polls.stop()
    await stopping
    await this.documents.closeAll()
  }

  /** Runs pending work now (tests and shutdown use it). */
  flush(): Promise<void> {
    return this.scheduler.flush()
  }

  /** A tick in `delayMs`, or sooner if one is due sooner already. */
  private schedule(delayMs = this.deps.tickMs): void {
    if (this.scheduler.stopped) return
    this.lifetime.touch()
    this.scheduler.schedule(delayMs)
  }

  // The tick ----------------------------------------------------------------

  /** `force`: presence too, however recently it was written (flush). */
  private async tick(force = false): Promise<void> {
    if (this.scheduler.stopped) return
    const started = performance.now()
    try {
      await traced(this.deps.tracer, 'ingest.tick', { 'podium.session': this.sessionId }, () =>
        runTick(this.parts, force),
      )
    } catch (error) {
      // The failed tick gave back what it took on; the next one, a moment later, takes it up.
      this.schedule(RETRY_MS)
      throw error
    } finally {
      this.deps.metrics.ingestTick.observe((performance.now() - started) / 1000)
    }
  }

  private store(batch: IngestBatch): Promise<Stored> {
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
