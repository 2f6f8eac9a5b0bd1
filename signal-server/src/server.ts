import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { SignalConfig } from './config.ts'
import { Problem, sendProblem } from './http/problem.ts'
import { redactingLogger } from './http/redact.ts'
import { createSignaling } from './index.ts'

export interface SignalServer {
  app: FastifyInstance
  /** Starts listening; resolves to the base URL (http://host:port). */
  listen(): Promise<string>
  close(): Promise<void>
}

/** The signal-server on its own port: PeerJS, y-webrtc signaling, TURN credentials, /healthz. */
export async function createSignalServer(
  config: SignalConfig,
  given: Logger,
): Promise<SignalServer> {
  const log = redactingLogger(given)
  const logger: FastifyBaseLogger = log
  const app = Fastify({ loggerInstance: logger })
  const port = () => (app.server.address() as AddressInfo | null)?.port ?? config.port
  const signaling = createSignaling({
    secret: config.secret,
    turn: config.turn,
    log,
    publicUrl: () => config.publicUrl ?? `http://localhost:${port()}`,
  })
  app.get('/healthz', async () => ({ status: 'ok' }))
  await app.register(signaling.routes, { prefix: '/api' })
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
      for (const upgrade of signaling.upgrades) upgrade.close()
      await app.close()
    },
  }
}
