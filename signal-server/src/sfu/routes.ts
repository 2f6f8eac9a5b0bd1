import type { SfuStatusResponse } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { requireBearer, type StandingCheck } from '../auth/tokens.ts'
import type { SfuProxy } from './proxy.ts'

/**
 * GET /api/sfu: whether the stage can go through the media server now, for a participant
 * of the session. Without it (no JANUS_URL, or Janus does not answer) the stage stays
 * peer to peer with its cap, and the room says so.
 */
export function sfuRoutes(options: { secret: string; standing: StandingCheck; sfu: SfuProxy }) {
  return async (api: FastifyInstance) => {
    api.get('/sfu', async (request, reply) => {
      await requireBearer(request, options.secret, options.standing)
      const body: SfuStatusResponse = await options.sfu.available()
      return reply.header('cache-control', 'no-store').send(body)
    })
  }
}
