import type { ZodError } from 'zod'

/** A field that failed validation, as problem+json's `errors` lists it. */
export interface FieldError {
  path: string
  message: string
}

/**
 * An error both servers answer as RFC 9457 problem+json: `detail` is a sentence a person
 * can act on; `errors` lists the fields of a validation failure.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail)
  }

  static badRequest(detail: string, errors?: FieldError[]) {
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

/** The problem+json body of a problem; `instance` is the request's path. */
export function problemBody(problem: HttpProblem, instance?: string) {
  return {
    type: `${TYPE_BASE}${problem.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    ...(instance ? { instance } : {}),
    ...(problem.errors ? { errors: problem.errors } : {}),
  }
}

/** What of a Fastify reply sending a problem needs (so shared does not depend on Fastify). */
interface Reply {
  code(status: number): Reply
  type(contentType: string): Reply
  send(body: unknown): unknown
}

export function sendProblem(reply: Reply, problem: HttpProblem, instance?: string) {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send(problemBody(problem, instance))
}
