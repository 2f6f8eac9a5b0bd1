import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodError } from 'zod'

/** An error that becomes an RFC 9457 problem+json response. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: Array<{ path: string; message: string }>,
  ) {
    super(detail)
  }

  static badRequest(detail: string, errors?: Array<{ path: string; message: string }>) {
    return new HttpProblem(400, 'Bad request', detail, errors)
  }
  static unauthorized(detail: string) {
    return new HttpProblem(401, 'Unauthorized', detail)
  }
  static forbidden(detail: string) {
    return new HttpProblem(403, 'Forbidden', detail)
  }
  static notFound(detail: string) {
    return new HttpProblem(404, 'Not found', detail)
  }
  static conflict(detail: string) {
    return new HttpProblem(409, 'Conflict', detail)
  }
  static fromZod(error: ZodError, what = 'request body') {
    const errors = error.issues.map((issue) => ({
      path: issue.path.join('.') || '(body)',
      message: issue.message,
    }))
    const summary = errors
      .map((e) => (e.path === '(body)' ? e.message : `${e.path}: ${e.message}`))
      .join('; ')
    return HttpProblem.badRequest(`The ${what} is not valid: ${summary}`, errors)
  }
}

const TYPE_BASE = 'https://podium.dev/problems/'

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-')
}

export function sendProblem(reply: FastifyReply, problem: HttpProblem, instance?: string) {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({
      type: `${TYPE_BASE}${slug(problem.title)}`,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      ...(instance ? { instance } : {}),
      ...(problem.errors ? { errors: problem.errors } : {}),
    })
}

/** Every error leaves as problem+json; 5xx details stay in the log, never in the response. */
export function problemErrorHandler(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  // Refused before its body was read (no token, rate-limited, too large): the connection
  // is closed after the answer, rather than the rest of the body read and thrown away.
  if (!request.raw.complete) reply.header('connection', 'close')
  if (error instanceof HttpProblem) return sendProblem(reply, error, request.url)
  const fastifyError = error as FastifyError
  const status = fastifyError.statusCode ?? 500
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed')
    return sendProblem(
      reply,
      new HttpProblem(
        500,
        'Internal server error',
        `Something went wrong on our side (request ${request.id}).`,
      ),
      request.url,
    )
  }
  const detail =
    fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
      ? 'Send the body as JSON with Content-Type: application/json.'
      : fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'The request body is too large.'
        : fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? 'The request body is empty; send a JSON object.'
          : error.message.startsWith('Unexpected') ||
              fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
            ? 'The request body is not valid JSON.'
            : error.message
  const title =
    status === 413 ? 'Payload too large' : status === 415 ? 'Unsupported media type' : 'Bad request'
  return sendProblem(reply, new HttpProblem(status, title, detail), request.url)
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(
    reply,
    HttpProblem.notFound(`There is no ${request.method} ${request.url.split('?')[0]} in this API.`),
    request.url,
  )
}
