import type { FastifyInstance } from 'fastify'
import { openRoute } from './access.ts'

/** GET /api/time: the server's clock, so clients can correct their timers. */
export async function timeRoutes(api: FastifyInstance) {
  api.get('/time', openRoute, async (_request, reply) => {
    reply.header('cache-control', 'no-store')
    return { now: Date.now() }
  })
}
