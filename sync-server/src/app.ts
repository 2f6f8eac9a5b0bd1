import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { Redis as RedisExtension } from '@hocuspocus/extension-redis'
import type { Extension, Hocuspocus } from '@hocuspocus/server'
import { CloseCode } from '@podium/shared'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import pino, { type Logger } from 'pino'
import { Analytics } from './analytics/analytics.ts'
import { registerApi } from './api/index.ts'
import { Accounts } from './auth/accounts.ts'
import { Devices } from './auth/devices.ts'
import { type AuthDomain, SWEEP_MS, sweepSignIns } from './auth/domain.ts'
import { EmailLinks } from './auth/email-links.ts'
import { Auth } from './auth/extension.ts'
import { FieldGuard } from './auth/field-guard.ts'
import { Providers } from './auth/providers.ts'
import { SessionDirectory } from './auth/sessions-cache.ts'
import { StandingDirectory, Withdrawals } from './auth/standing.ts'
import { Billing, type BillingOptions } from './billing/domain.ts'
import type { Config } from './config.ts'
import { openDatabase } from './db/connect.ts'
import { EventBus } from './events/bus.ts'
import { EventLog } from './events/log.ts'
import { CheckpointStore } from './history/checkpoints.ts'
import { History } from './history/extension.ts'
import { clientApp } from './http/client-app.ts'
import { installJsonBodies, SMALL_BODY_BYTES } from './http/json-body.ts'
import { problemErrorHandler } from './http/problem.ts'
import { securityHeaders } from './http/security-headers.ts'
import { Ingest } from './ingest/extension.ts'
import { holdRedisReplies } from './ingest/held-redis.ts'
import { Limits } from './limits/extension.ts'
import { loadTemplates, type NotificationOptions, Notifications } from './notifications/domain.ts'
import { redactingLogger } from './observability/logging.ts'
import { createMetrics } from './observability/metrics.ts'
import { healthRoutes } from './observability/routes.ts'
import { StatusChecker } from './observability/status/checker.ts'
import { StatusStore } from './observability/status/store.ts'
import { statusRoutes } from './observability/status-routes.ts'
import { createTelemetry } from './observability/telemetry.ts'
import { CatchUp } from './persistence/catch-up.ts'
import { Persistence } from './persistence/extension.ts'
import { DocumentStore } from './persistence/store.ts'
import { Reactions } from './reactions/extension.ts'
import type { Services } from './services.ts'
import { ServerDocs } from './sync/server-docs.ts'
import { GuardedHocuspocus, UnloadGuard } from './sync/unload-guard.ts'
import { createSyncEndpoint } from './sync/websocket.ts'
import { installWholeStateAnswer } from './sync/whole-state.ts'

/** Something else (signaling) that takes WebSocket upgrades on its own paths. */
export interface UpgradeHandler {
  matches(path: string): boolean
  handleUpgrade: ReturnType<typeof createSyncEndpoint>['handleUpgrade']
  close(): Promise<void> | void
}

export interface Podium {
  app: FastifyInstance
  services: Services
  ingest: Ingest
  /** Reactions counted per window and published once a window (see reactions/). */
  reactions: Reactions
  /** Starts listening; resolves to the base URL (http://host:port). */
  listen(): Promise<string>
  close(): Promise<void>
}

export interface PodiumOptions {
  logger?: Logger
  /** Extra upgrade handlers (the signal server mounts `/peerjs` this way). */
  upgrades?: (services: Services) => UpgradeHandler[] | Promise<UpgradeHandler[]>
  /** Extra HTTP routes on the root instance (the signal server adds its /api and /peerjs routes). */
  routes?: (app: FastifyInstance, services: Services) => Promise<void>
  /** How long idle ingest state and documents the ingest opened are kept (tests shorten them). */
  ingest?: { idleMs?: number; keepOpenMs?: number }
  /**
   * The time decisions and events are stamped with and analytics' retention reads
   * (Date.now). Tests set it to script a session minute by minute.
   */
  clock?: () => number
  /** The notification queue's clock, retries and polls (tests shorten and control them). */
  notifications?: NotificationOptions
  /** The Stripe event queue's poll (tests shorten it). */
  billing?: BillingOptions
  /** How often the status page's checks run (a minute; tests shorten it). */
  status?: { everyMs?: number }
}

/**
 * Connections the kernel may hold for us while the process is busy (Node's default is
 * 511). In a join storm that saturates the process, a full queue drops new connections'
 * SYNs, and their clients give up after ten seconds; a longer queue makes them wait
 * instead. Linux caps it at net.core.somaxconn (4096 on current kernels).
 */
const LISTEN_BACKLOG = 4096

/** What traces and error reports name this build: the deployed image tag, else the version. */
const PODIUM_VERSION =
  process.env.PODIUM_TAG ??
  (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
  ).version

/** Builds the whole sync-server: database, Hocuspocus with its extensions, HTTP API, client. */
export async function createPodium(config: Config, options: PodiumOptions = {}): Promise<Podium> {
  const log = redactingLogger(options.logger ?? pino({ level: config.logLevel }))
  // First: an operator's broken mail template stops the start before anything is opened.
  const templates = loadTemplates(config)
  installWholeStateAnswer()
  const db = await openDatabase(config.database)
  const store = new DocumentStore(db)
  const sessions = new SessionDirectory(db)
  const standing = new StandingDirectory(db, sessions)
  const auth: AuthDomain = {
    accounts: new Accounts(db),
    devices: new Devices(db),
    links: new EmailLinks(db),
    providers: new Providers(config.accounts),
  }
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
    : undefined
  if (redis) await redis.connect()

  let hocuspocusRef: Hocuspocus | undefined
  const metrics = createMetrics({ hocuspocus: () => hocuspocusRef, db, redis })
  store.onTiming = (operation, seconds) => metrics.store.labels(operation).observe(seconds)
  const telemetry = await createTelemetry({
    ...config.telemetry,
    release: PODIUM_VERSION,
    log: log.child({ component: 'telemetry' }),
  })
  const persistence = new Persistence(store, log.child({ component: 'persistence' }))
  const instanceId = randomUUID().slice(0, 8)
  const guard = new UnloadGuard()
  const clock = options.clock ?? Date.now
  const events = new EventBus(db, new EventLog(db), log.child({ component: 'events' }))
  const analytics = new Analytics({
    db,
    events,
    log: log.child({ component: 'analytics' }),
    retentionDays: config.analytics.retentionDays,
    clock,
  })
  const ingest = new Ingest({
    events,
    db,
    store,
    guard,
    log: log.child({ component: 'ingest' }),
    metrics,
    tickMs: config.ingestTickMs,
    instanceId,
    sharedCounts: config.redisUrl !== undefined,
    clock,
    ...options.ingest,
  })
  const reactions = new Reactions({
    db,
    eventLog: new EventLog(db),
    events,
    instanceId,
    log: log.child({ component: 'reactions' }),
    clock,
  })
  const extensions: Extension[] = [
    guard,
    new Auth(config.tokenSecret, standing, guard, auth.devices),
    new FieldGuard({
      log: log.child({ component: 'field-guard' }),
      record: (sessionId, entries) => ingest.session(sessionId).addAudit(entries),
      clock,
    }),
    new Limits({ metrics, log: log.child({ component: 'limits' }) }),
    persistence,
    ingest,
    reactions,
    new History({
      checkpoints: new CheckpointStore(db),
      log: log.child({ component: 'history' }),
      ...config.checkpoints,
    }),
  ]
  if (config.redisUrl) {
    const url = new URL(config.redisUrl)
    extensions.push(new CatchUp(store, log.child({ component: 'catch-up' })))
    const redisExtension = new RedisExtension({
      host: url.hostname,
      port: Number(url.port || 6379),
      prefix: 'podium',
    })
    holdRedisReplies(redisExtension, () => hocuspocus)
    extensions.push(redisExtension as unknown as Auth)
  }
  const hocuspocus = new GuardedHocuspocus({
    name: `podium-${instanceId}`,
    quiet: true,
    debounce: config.storeDebounceMs,
    maxDebounce: Math.max(config.storeDebounceMs * 5, 1000),
    extensions,
  })
  hocuspocus.guard = guard
  hocuspocusRef = hocuspocus
  reactions.attach(hocuspocus)

  // Typed as the default instance so route modules need not know which logger is inside.
  const app = Fastify({
    loggerInstance: log,
    genReqId: (request) => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID()
    },
    // Routes that take more say so (the import route).
    bodyLimit: SMALL_BODY_BYTES,
    trustProxy: config.trustProxy,
  }) as unknown as FastifyInstance
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests
      .labels(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000)
  })
  telemetry.instrument(app)
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (((error as { statusCode?: number }).statusCode ?? 500) >= 500)
      telemetry.captureError(error, { route: request.routeOptions.url ?? 'unmatched' })
    return problemErrorHandler(error, request, reply)
  })
  installJsonBodies(app)

  const withdrawals = new Withdrawals(hocuspocus, redis, log.child({ component: 'withdrawals' }))
  await withdrawals.start()
  withdrawals.onSignedOut((deviceId) => auth.devices.forget(deviceId))
  const sweeper = setInterval(() => {
    sweepSignIns(auth, db).catch((error: unknown) =>
      log.warn({ err: error }, 'removing ended sign-ins failed'),
    )
  }, SWEEP_MS)
  sweeper.unref()
  const docs = new ServerDocs(
    hocuspocus,
    guard,
    (name) => persistence.flush(name),
    log.child({ component: 'server-docs' }),
  )
  const publicUrl: Services['publicUrl'] = (request) => {
    if (config.publicUrl) return config.publicUrl
    const host = request?.headers.host
    if (host && /^[\w.:[\]-]+$/.test(host)) return `${request.protocol}://${host}`
    return `http://localhost:${addressPort(app)}`
  }
  const notifications = new Notifications(
    {
      config,
      db,
      docs,
      log,
      registry: metrics.registry,
      templates,
      // Messages leave with no request to take the address from: PUBLIC_URL, or where this listens.
      baseUrl: () => config.publicUrl ?? listeningOrigin(app, config.host),
    },
    options.notifications,
  )
  const billing = new Billing(
    {
      config,
      db,
      log: log.child({ component: 'billing' }),
      clock,
      instanceId,
      notifications,
      withdrawals,
      registry: metrics.registry,
    },
    options.billing,
  )
  await billing.init()
  standing.attendeeCheck = (sessionId, userId) => billing.attendeeStands(sessionId, userId)
  // A host hears of alerts in their sessions through the notifications queue.
  analytics.onAlert((k, change) => notifications.alertChanged(k, change))
  const statusStore = new StatusStore(db)
  let statusChecker: StatusChecker | undefined
  const services: Services = {
    config,
    telemetry,
    db,
    auth,
    events,
    analytics,
    clock,
    log,
    hocuspocus,
    store,
    sessions,
    standing,
    withdrawals,
    notifications,
    billing,
    docs,
    metrics,
    get status() {
      if (!statusChecker) throw new Error('the status checker is made after the services')
      return { store: statusStore, checker: statusChecker }
    },
    redis,
    lifecycle: { draining: false },
    publicUrl,
  }
  statusChecker = new StatusChecker({
    services,
    store: statusStore,
    instance: instanceId,
    base: () => config.publicUrl ?? listeningOrigin(app, config.host),
    log: log.child({ component: 'status' }),
    ...options.status,
  })
  ingest.attach(services)
  // Off only to measure what recording costs (ANALYTICS_RECORDING=false).
  if (config.analytics.recording) analytics.start()

  securityHeaders(app, {
    origin: (request) => services.publicUrl(request),
    signalingUrl: config.signalingUrl,
    publicHttps: config.publicUrl?.startsWith('https:') ?? false,
  })
  await healthRoutes(app, services)
  await statusRoutes(app, services)
  await app.register(async (api) => registerApi(api, services), { prefix: '/api' })
  await options.routes?.(app, services)
  await clientApp(app, config.clientDist)

  const sync = createSyncEndpoint(hocuspocus, { maxPayload: config.maxFrameBytes, log })
  const upgrades = (await options.upgrades?.(services)) ?? []
  app.server.on('upgrade', (request, socket, head) => {
    // Shutting down: a socket that came over a kept-alive connection goes elsewhere.
    if (services.lifecycle.draining)
      return socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n')
    const path = (request.url ?? '/').split('?')[0] ?? '/'
    if (path === '/sync' || path.startsWith('/sync/'))
      return sync.handleUpgrade(request, socket, head)
    const handler = upgrades.find((u) => u.matches(path))
    if (handler) return handler.handleUpgrade(request, socket, head)
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
  })

  let closed = false
  return {
    app,
    services,
    ingest,
    reactions,
    async listen() {
      await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG })
      const port = addressPort(app)
      // Links in messages name the port, known from here on.
      notifications.start(events)
      billing.start()
      // Checks the signaling at this address: started once it is known.
      statusChecker?.start()
      log.info(
        { port, database: config.database.kind },
        `Podium is serving on http://localhost:${port}`,
      )
      return `http://127.0.0.1:${port}`
    },
    async close() {
      if (closed) return
      closed = true
      const started = Date.now()
      // Not ready from now on, and no new connections: a proxy's next attempt goes to
      // another instance. Requests already in flight are answered.
      services.lifecycle.draining = true
      app.server.close()
      app.server.closeIdleConnections()
      // A tick under way is committed, and every loaded document stored, while Redis and
      // the database are still there. Entries still waiting for a tick are decided where
      // their authors reconnect (a device that connects has its outbox scanned) or by an
      // instance that holds the outbox (relayed entries are looked at again: ING-ONCE-4).
      await ingest.stop()
      await billing.stop()
      await reactions.stop()
      await statusChecker?.stop()
      await notifications.stop()
      hocuspocus.flushPendingStores()
      await persistence.flushAll()
      // Then clients are told to reconnect (they go to another instance), their documents
      // are unloaded, and the extensions are told to shut down.
      await sync.drain(CloseCode.restarting, 'server-restarting')
      for (const u of upgrades) await u.close()
      await app.close()
      hocuspocus.flushPendingStores()
      await waitForUnload(hocuspocus)
      await persistence.flushAll()
      log.info({ ms: Date.now() - started }, 'drained')
      await store.merger.close()
      await hocuspocus.hooks('onDestroy', { instance: hocuspocus })
      withdrawals.stop()
      clearInterval(sweeper)
      await analytics.stop()
      await events.stop()
      redis?.disconnect()
      await telemetry.close()
      await db.close()
    },
  }
}

/** http://<HOST>:<port> as this instance listens (localhost for all interfaces). */
function listeningOrigin(app: FastifyInstance, host: string): string {
  const name =
    host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  return `http://${name}:${addressPort(app)}`
}

function addressPort(app: FastifyInstance): number {
  const address = app.server.address() as AddressInfo | null
  return address?.port ?? 0
}

async function waitForUnload(hocuspocus: Hocuspocus, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (
    (hocuspocus.documents.size > 0 || hocuspocus.unloadingDocuments.size > 0) &&
    Date.now() < until
  ) {
    await new Promise((r) => setTimeout(r, 10))
  }
}
