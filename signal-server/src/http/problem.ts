import type { FastifyReply, FastifyRequest } from 'fastify'

const TYPE_BASE = 'https://podium.dev/problems/'

/** An error the signal-server's routes answer as RFC 9457 problem+json. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail)
  }

  static unauthorized = (detail: string) => new Problem(401, 'Unauthorized', detail)
  static forbidden = (detail: string) => new Problem(403, 'Forbidden', detail)
  static notFound = (detail: string) => new Problem(404, 'Not found', detail)
  static conflict = (detail: string) => new Problem(409, 'Conflict', detail)
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .header('cache-control', 'no-store')
    .send({
      type: `${TYPE_BASE}${problem.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      instance: request.url.split('?')[0],
    })
}
