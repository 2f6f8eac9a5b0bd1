import { HttpProblem, sendProblem as send } from '@podium/shared/server'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** The signal-server's routes answer errors as RFC 9457 problem+json, as the sync-server's do. */
export { HttpProblem as Problem }

/** Sends a problem for this request; never cached (answers depend on the token). */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: HttpProblem) {
  return send(reply.header('cache-control', 'no-store'), problem, request.url.split('?')[0])
}
