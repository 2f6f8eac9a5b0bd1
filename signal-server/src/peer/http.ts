import { PEERJS_KEY, PEERJS_PATH, watchPeerId } from '@podium/shared'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { checkToken, type StandingCheck } from '../auth/tokens.ts'
import { Problem, sendProblem } from '../http/problem.ts'
import type { PeerSignaling } from './server.ts'

/**
 * PeerJS's HTTP side under /peerjs. `/<key>/id` answers with an id bound to the
 * caller's token (PeerJS's own would hand out ids no token may hold); peer listing
 * stays off; the rest is the peer package's router.
 */
export function peerHttpRoutes(
  peer: PeerSignaling,
  options: { secret: string; standing: StandingCheck },
) {
  const delegate = (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack()
    peer.router(request.raw, reply.raw)
  }
  return async (app: FastifyInstance) => {
    app.get(`${PEERJS_PATH}/${PEERJS_KEY}/id`, async (request, reply) => {
      const header = request.headers.authorization
      const query = request.query as Record<string, unknown>
      const token = header?.startsWith('Bearer ')
        ? header.slice('Bearer '.length)
        : typeof query.token === 'string'
          ? query.token
          : null
      const result = await checkToken(options.secret, token, options.standing)
      if (!result.ok) {
        return sendProblem(
          request,
          reply,
          Problem.unauthorized(
            'Podium binds peer ids to session tokens: pass your token (Bearer or ?token=), or build the id with watchPeerId().',
          ),
        )
      }
      return reply
        .type('text/plain')
        .header('cache-control', 'no-store')
        .send(watchPeerId(result.claims.sid, result.claims.sub, peer.nonce()))
    })
    app.route({ method: ['GET', 'OPTIONS'], url: PEERJS_PATH, handler: delegate })
    app.route({ method: ['GET', 'OPTIONS'], url: `${PEERJS_PATH}/*`, handler: delegate })
  }
}
