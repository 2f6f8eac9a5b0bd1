import { HttpProblem, sendProblem } from '@podium/shared/server'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { limitDiscard } from './discard-body.ts'

export { HttpProblem, sendProblem }

/** Every error leaves as problem+json; 5xx details stay in the log, never in the response. */
export function problemErrorHandler(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  limitDiscard(request.raw)
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
