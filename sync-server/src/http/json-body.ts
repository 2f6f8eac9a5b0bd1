import type { FastifyInstance } from 'fastify'
import { JsonDepthScan, tooDeepDetail } from './json-depth.ts'
import { HttpProblem } from './problem.ts'

/**
 * The most a request body may be unless its route says otherwise (the import route
 * takes IMPORT_MAX_BYTES). Every body Podium takes besides an export is a few fields.
 */
export const SMALL_BODY_BYTES = 16 * 1024

/**
 * JSON bodies as Fastify parses them (prototype poisoning refused), with the nesting
 * checked first: a body nested deeper than MAX_JSON_DEPTH is a 400 and is never built.
 */
export function installJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer
    if (new JsonDepthScan().push(bytes)) {
      done(HttpProblem.badRequest(tooDeepDetail('request body')), undefined)
      return
    }
    parseJson(request, bytes.toString('utf8'), done)
  })
}
