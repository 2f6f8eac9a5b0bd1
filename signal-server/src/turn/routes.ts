import type { IceServersResponse, SessionStatus } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { requireBearer, type StandingCheck } from '../auth/tokens.ts'
import { Problem } from '../http/problem.ts'
import type { SignalMetrics } from '../observability/metrics.ts'
import { iceServersFor, type TurnConfig } from './credentials.ts'

/**
 * A session's status as its host set it; undefined when this server cannot tell
 * (signal-server alone has no database: it serves every session that stands).
 */
export type SessionStatusCheck = (sessionId: string) => Promise<SessionStatus | undefined>

const notLive: Record<Exclude<SessionStatus, 'live'>, string> = {
  draft:
    'This session is not live yet: video relays (TURN) are handed out only while it is live. Ask the host to go live.',
  ended: 'This session has ended: video relays (TURN) are handed out only while it is live.',
}

/**
 * GET /api/ice-servers: STUN and TURN servers for the caller's peer connections.
 * Only participants of a live session get TURN credentials (409 for a draft or an ended
 * one), and each lasts `turn.ttlSeconds`; clients fetch a fresh set before every new call.
 */
export function iceServerRoutes(options: {
  secret: string
  turn: TurnConfig
  standing: StandingCheck
  status?: SessionStatusCheck | undefined
  metrics: SignalMetrics
}) {
  return async (api: FastifyInstance) => {
    api.get('/ice-servers', async (request, reply) => {
      const claims = await requireBearer(request, options.secret, options.standing)
      const status = await options.status?.(claims.sid)
      if (status !== undefined && status !== 'live') {
        options.metrics.iceServers.inc({ result: 'not-live' })
        throw Problem.conflict(notLive[status])
      }
      const body: IceServersResponse = iceServersFor(options.turn, claims.sub)
      options.metrics.iceServers.inc({ result: body.expiresAt === null ? 'stun-only' : 'turn' })
      return reply.header('cache-control', 'no-store').send(body)
    })
  }
}
