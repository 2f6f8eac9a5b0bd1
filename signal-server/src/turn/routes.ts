import type { IceServersResponse } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { requireBearer, type StandingCheck } from '../auth/tokens.ts'
import { iceServersFor, type TurnConfig } from './credentials.ts'

/**
 * GET /api/ice-servers: STUN and TURN servers for the caller's peer connections.
 * Only participants of a live session get TURN credentials, and each lasts
 * `turn.ttlSeconds`; clients fetch a fresh set before every new call.
 */
export function iceServerRoutes(options: {
  secret: string
  turn: TurnConfig
  standing: StandingCheck
}) {
  return async (api: FastifyInstance) => {
    api.get('/ice-servers', async (request, reply) => {
      const claims = await requireBearer(request, options.secret, options.standing)
      const body: IceServersResponse = iceServersFor(options.turn, claims.sub)
      return reply.header('cache-control', 'no-store').send(body)
    })
  }
}
