import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { collectDefaultMetrics, Registry } from 'prom-client'
import type { SignalConfig } from './config.ts'
import { Problem, sendProblem } from './http/problem.ts'
import { redactingLogger } from './http/redact.ts'
import { createSignaling } from './index.ts'
import { healthRoutes } from './observability/routes.ts'
import { recorderRoutes } from './sfu/recording/internal.ts'
import { standingDatabase } from './standing/database.ts'
import { listenForWithdrawals } from './standing/redis.ts'
import { stageFromSyncServer } from './standing/stage.ts'

/** How often open sockets' tokens are checked against the database again. */
const RECHECK_MS = 30_000

export interface SignalServer {
  app: FastifyInstance
  /** Starts listening; resolves to the base URL (http://host:port). */
  listen(): Promise<string>
  close(): Promise<void>
}

/**
 * The signal-server on its own port: PeerJS, y-webrtc signaling, TURN credentials, /healthz
 * and /metrics.
 * Tokens are checked against the sync-server's database (a staff role the host withdrew
 * is refused); a withdrawal announced on Redis closes the user's sockets at once, and
 * every open socket's token is checked again every `recheckMs` (without Redis, that is
 * how long a withdrawn user's open socket can last).
 */
export async function createSignalServer(
  config: SignalConfig,
  given: Logger,
  options: { recheckMs?: number } = {},
): Promise<SignalServer> {
  const log = redactingLogger(given)
  const logger: FastifyBaseLogger = log
  const app = Fastify({ loggerInstance: logger, trustProxy: config.trustProxy })
  const port = () => (app.server.address() as AddressInfo | null)?.port ?? config.port
  const database = standingDatabase(config.database)
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'podium_' })
  const signaling = createSignaling({
    secret: config.secret,
    turn: config.turn,
    log,
    publicUrl: () => config.publicUrl ?? `http://localhost:${port()}`,
    standing: database.standing,
    staff: database.staff,
    registry,
    janus: config.janus,
    ...(config.syncServerUrl
      ? { stage: stageFromSyncServer(config.syncServerUrl, log.child({ component: 'plan' })) }
      : {}),
    sfuMaxViewers: config.sfuMaxViewers,
    broadcast: config.broadcast,
  })
  const stopListening = config.redisUrl
    ? await listenForWithdrawals(
        config.redisUrl,
        (userId) => signaling.withdraw(userId),
        log.child({ component: 'withdrawals' }),
      )
    : () => undefined
  let checking = false
  const recheck = setInterval(() => {
    if (checking) return
    checking = true
    signaling
      .revalidate()
      .catch((error: unknown) => {
        log.warn({ err: error }, 'checking open sockets against the database failed')
      })
      .finally(() => {
        checking = false
      })
  }, options.recheckMs ?? RECHECK_MS)
  recheck.unref()
  await healthRoutes(registry, config.metricsToken)(app)
  await app.register(signaling.routes, { prefix: '/api' })
  // The sync-servers start and stop stage recordings here, where the Janus rooms are.
  await app.register(recorderRoutes({ secret: config.secret, recorder: signaling.recorder }))
  await signaling.peerRoutes(app)
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      Problem.notFound(`The signal-server has no ${request.method} ${request.url.split('?')[0]}.`),
    ),
  )
  app.server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/'
    const handler = signaling.upgrades.find((u) => u.matches(path))
    if (handler) return handler.handleUpgrade(request, socket, head)
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
  })
  return {
    app,
    async listen() {
      await app.listen({ port: config.port, host: config.host })
      return `http://127.0.0.1:${port()}`
    },
    async close() {
      clearInterval(recheck)
      stopListening()
      for (const upgrade of signaling.upgrades) await upgrade.close()
      await app.close()
      await database.close()
    },
  }
}
