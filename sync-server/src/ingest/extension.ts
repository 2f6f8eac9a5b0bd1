import type {
  afterLoadDocumentPayload,
  afterUnloadDocumentPayload,
  connectedPayload,
  Document,
  Extension,
  onDisconnectPayload,
} from '@hocuspocus/server'
import {
  type Actor,
  documentName,
  isStaff,
  OutboxDoc,
  PublicDoc,
  parseDocumentName,
} from '@podium/shared'
import type { Logger } from 'pino'
import type * as Y from 'yjs'
import type { Db } from '../db/connect.ts'
import type { EventBus } from '../events/bus.ts'
import type { Metrics } from '../observability/metrics.ts'
import { CAUGHT_UP_ORIGIN } from '../persistence/extension.ts'
import type { DocumentStore } from '../persistence/store.ts'
import type { Services } from '../services.ts'
import { type ConnectionContext, isConnectionContext, isRedisOrigin } from '../sync/context.ts'
import type { UnloadGuard } from '../sync/unload-guard.ts'
import { KEEP_OPEN_MS } from './kept-documents.ts'
import { PRESENCE_REFRESH_MS } from './presence.ts'
import { IngestRepository } from './repository.ts'
import { SessionIngest } from './session.ts'
import { UserRates } from './user-rates.ts'

/**
 * A session's ingest state is dropped from memory after this long with none of its
 * documents loaded and nothing to do, and made again when something happens.
 */
export const SESSION_IDLE_MS = 5 * 60_000

export interface IngestOptions {
  /** Where subscribers to what the ingest decided are woken after each store. */
  events: EventBus
  db: Db
  store: DocumentStore
  guard: UnloadGuard
  log: Logger
  metrics: Metrics
  tickMs: number
  /** This instance's id (documents are shared with other instances through Redis). */
  instanceId: string
  /** True when several instances may run: tallies are then read back from the database. */
  sharedCounts: boolean
  /** SESSION_IDLE_MS and KEEP_OPEN_MS unless told (tests shorten them). */
  idleMs?: number
  keepOpenMs?: number
  /** The clock decisions and events are stamped with (Date.now unless told). */
  clock?: () => number
}

/** The context of the client connection that made a transaction, if one did. */
function clientContext(origin: unknown): ConnectionContext | null {
  if (typeof origin !== 'object' || origin === null) return null
  const o = origin as { source?: string; connection?: { context?: unknown } }
  if (o.source !== 'connection') return null
  return isConnectionContext(o.connection?.context) ? o.connection.context : null
}

/** Whether a transaction is another instance's change: relayed through Redis, or caught up from storage. */
function fromOtherInstance(origin: unknown): boolean {
  return origin === CAUGHT_UP_ORIGIN || isRedisOrigin(origin)
}

/** Who a connection is, for the audit log: from its token, never from what it wrote. */
function actorOf(context: ConnectionContext): Actor {
  const { userId, name, role } = context.principal
  return { userId, name, role }
}

/** The timer command a transaction wrote into the stage map, if it wrote one. */
function writtenTimerCommand(tr: Y.Transaction, stage: Y.Map<unknown>): string | null {
  let keys: Set<string | null> | undefined
  for (const [type, changed] of tr.changed) if ((type as unknown) === stage) keys = changed
  if (!keys?.has('timerCommand')) return null
  const command = stage.get('timerCommand') as { id?: unknown } | undefined
  return typeof command?.id === 'string' ? command.id : null
}

/**
 * Ingest: watches outboxes and staff changes, and hands them to the session's
 * SessionIngest, which decides and publishes in batched ticks.
 */
export class Ingest implements Extension {
  priority = 800
  extensionName = 'podium-ingest'
  private readonly sessions = new Map<string, SessionIngest>()
  private readonly detach = new Map<string, { document: Document; off: () => void }>()
  private readonly repo: IngestRepository
  private services: Services | null = null
  /** Per user, kept across reconnects and across their session's state being dropped. */
  private readonly rates = new UserRates()
  private readonly idleMs: number

  constructor(private readonly options: IngestOptions) {
    this.repo = new IngestRepository(options.db)
    this.idleMs = options.idleMs ?? SESSION_IDLE_MS
  }

  private refresher: NodeJS.Timeout | null = null
  private sweeper: NodeJS.Timeout | null = null

  attach(services: Services): void {
    this.services = services
    // Participant counts are re-reported before they go stale (see PublicDoc.participants).
    this.refresher = setInterval(() => this.refreshPresence(), PRESENCE_REFRESH_MS / 3)
    this.refresher.unref()
    this.sweeper = setInterval(() => this.unloadIdle(), Math.max(10, this.idleMs / 2))
    this.sweeper.unref()
  }

  /** What keeps a session's state in memory (empty: it is not held, or about to be dropped). */
  busy(sessionId: string): string[] {
    return this.sessions.get(sessionId)?.busy(Date.now(), this.idleMs) ?? []
  }

  /** Drops the state of sessions that have been idle for `idleMs` (see SessionIngest.idle). */
  private unloadIdle(): void {
    const now = Date.now()
    for (const [id, session] of this.sessions) {
      if (!session.idle(now, this.idleMs)) continue
      this.sessions.delete(id)
      // Idle: no tick runs or is due, nothing is kept open; stopping only marks it stopped.
      void session.stop()
    }
    this.options.metrics.ingestSessions.set(this.sessions.size)
  }

  private refreshPresence(): void {
    const now = Date.now()
    for (const session of this.sessions.values()) {
      const doc = this.services?.hocuspocus.documents.get(documentName.public(session.sessionId))
      session.refreshPresence(now, doc ? new PublicDoc(doc) : null)
    }
  }

  session(sessionId: string): SessionIngest {
    let session = this.sessions.get(sessionId)
    if (!session) {
      if (!this.services) throw new Error('Ingest used before attach()')
      session = new SessionIngest(sessionId, {
        hocuspocus: this.services.hocuspocus,
        guard: this.options.guard,
        repo: this.repo,
        db: this.options.db,
        log: this.options.log,
        metrics: this.options.metrics,
        tickMs: this.options.tickMs,
        instanceId: this.options.instanceId,
        sharedCounts: this.options.sharedCounts,
        rates: this.rates,
        events: this.options.events,
        keepOpenMs: this.options.keepOpenMs ?? KEEP_OPEN_MS,
        clock: this.options.clock ?? Date.now,
        tracer: this.services.telemetry.tracer,
      })
      this.sessions.set(sessionId, session)
      this.options.metrics.ingestSessions.set(this.sessions.size)
    }
    return session
  }

  async afterLoadDocument({
    documentName,
    document,
    context,
  }: afterLoadDocumentPayload): Promise<void> {
    // Loads the server makes itself (a tick, an API call) need no new work: marking work
    // here would make the next tick load the document again, and so on forever.
    const byClient = isConnectionContext(context)
    const address = parseDocumentName(documentName)
    if (!address) return
    const session = this.session(address.sessionId)
    // Before anything awaits: a session with a document loaded is never dropped.
    session.documentLoaded(documentName)
    switch (address.kind) {
      case 'outbox': {
        const { userId } = address
        const entries = document.getMap('entries')
        const receipts = document.getMap('receipts')
        const onTransaction = (tr: Y.Transaction) => {
          if (tr.changed.size === 0) return
          if (!clientContext(tr.origin)) {
            // Decided by the instance it reached, unless that one stops first; and a receipt
            // another instance wrote at the same time as this one may win over this one's
            // with an older version (RelayedEntries).
            if (!fromOtherInstance(tr.origin)) return
            const keys: string[] = []
            for (const map of [entries, receipts])
              for (const key of tr.changed.get(map as never) ?? []) if (key !== null) keys.push(key)
            if (keys.length > 0) session.noteRelayed(userId, keys)
            return
          }
          // Entries and receipts are flat maps: the keys that changed are the entries to
          // look at again. Anything else the client touched gets the whole outbox scanned.
          const ids: string[] = []
          for (const [type, keys] of tr.changed) {
            if ((type as unknown) !== entries && (type as unknown) !== receipts) {
              session.markOutbox(userId)
              return
            }
            for (const key of keys) if (key !== null) ids.push(key)
          }
          session.markOutbox(userId, ids)
        }
        document.on('afterTransaction', onTransaction)
        this.detach.set(documentName, {
          document,
          off: () => document.off('afterTransaction', onTransaction),
        })
        // An empty outbox (someone who has not written yet: most of a join storm) has
        // nothing to decide, so it costs the ingest nothing until its first entry arrives.
        if (new OutboxDoc(document).entryCount() > 0) await session.outboxLoaded(userId)
        break
      }
      case 'public': {
        // What staff change here is audited by FieldGuard; timer commands are carried out
        // by the tick, which names the connection that wrote each one.
        const onTransaction = (tr: Y.Transaction) => {
          const context = clientContext(tr.origin)
          if (!context || !isStaff(context.principal.role)) return
          const commandId = writtenTimerCommand(tr, document.getMap('stage'))
          if (commandId) session.markTimer({ commandId, actor: actorOf(context) })
          if (tr.changed.has(document.getMap('polls') as never)) session.markPolls(false)
        }
        document.on('afterTransaction', onTransaction)
        this.detach.set(documentName, {
          document,
          off: () => document.off('afterTransaction', onTransaction),
        })
        if (byClient) {
          session.markCounts()
          session.markTimer()
        }
        break
      }
      case 'mod': {
        // Decisions are written to `decisions` (and, by older clients, into `queue` items).
        const watched = [document.getMap('queue'), document.getMap('decisions')]
        const secrets = document.getMap('pollSecrets')
        const onSecrets = () => session.markPolls(true)
        secrets.observe(onSecrets)
        const onChange = (event: Y.YMapEvent<unknown>, tr: Y.Transaction) => {
          const context = clientContext(tr.origin)
          if (!context) return
          session.markDecisions(event.keysChanged, actorOf(context))
        }
        for (const map of watched) map.observe(onChange)
        this.detach.set(documentName, {
          document,
          off: () => {
            for (const map of watched) map.unobserve(onChange)
            secrets.unobserve(onSecrets)
          },
        })
        if (byClient) session.markDecisions([], null)
        break
      }
      default: {
        const unknown: never = address
        throw new Error(`unknown document ${JSON.stringify(unknown)}`)
      }
    }
  }

  async afterUnloadDocument({ documentName }: afterUnloadDocumentPayload): Promise<void> {
    const attached = this.detach.get(documentName)
    // A copy loaded again meanwhile has its own listeners: leave those in place.
    if (!attached?.document.isDestroyed) return
    attached.off()
    this.detach.delete(documentName)
    const address = parseDocumentName(documentName)
    if (!address) return
    const session = this.sessions.get(address.sessionId)
    if (address.kind === 'outbox') session?.outboxUnloaded(address.userId)
    session?.documentUnloaded(documentName)
  }

  async connected({ documentName, context, instance }: connectedPayload): Promise<void> {
    const address = parseDocumentName(documentName)
    if (address?.kind === 'outbox' && isConnectionContext(context)) {
      // An author's device joined a copy loaded here already: what it holds that is still
      // undecided (relayed by an instance that stopped, see RelayedEntries) is decided here.
      // Its sync step marks only what this copy lacked.
      const document = instance.documents.get(documentName)
      if (document && new OutboxDoc(document).entryCount() > 0)
        this.session(address.sessionId).markOutbox(address.userId)
      return
    }
    if (address?.kind !== 'public' || !isConnectionContext(context)) return
    this.session(address.sessionId).presenceChanged(
      context.principal.userId,
      context.principal.name,
      1,
      context.device,
    )
    if (context.view) this.session(address.sessionId).opened(context.principal.userId, context.view)
  }

  async onDisconnect({ documentName, context }: onDisconnectPayload): Promise<void> {
    const address = parseDocumentName(documentName)
    if (address?.kind !== 'public' || !isConnectionContext(context)) return
    this.sessions
      .get(address.sessionId)
      ?.presenceChanged(context.principal.userId, context.principal.name, -1)
  }

  /** Decides everything pending in every session now. */
  async flush(): Promise<void> {
    for (const session of this.sessions.values()) await session.flush()
  }

  async stop(): Promise<void> {
    if (this.refresher) clearInterval(this.refresher)
    if (this.sweeper) clearInterval(this.sweeper)
    for (const session of this.sessions.values()) await session.stop()
    for (const { off } of this.detach.values()) off()
    this.detach.clear()
    this.sessions.clear()
  }
}
