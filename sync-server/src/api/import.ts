import { errorCodes, type FastifyInstance } from 'fastify'
import { importSession } from '../export/import.ts'
import { ImportThread, ImportUpload } from '../export/import-thread.ts'
import { JsonDepthScan, tooDeepDetail } from '../http/json-depth.ts'
import { HttpProblem } from '../http/problem.ts'
import type { Services } from '../services.ts'
import { openRoute } from './access.ts'

/**
 * POST /api/sessions/import: a JSON export becomes a new session (no token, like
 * creating one). The body (up to IMPORT_MAX_BYTES) goes to the import thread chunk by
 * chunk as it arrives, and is parsed there, never on the server's own thread.
 */
export async function importRoutes(api: FastifyInstance, services: Services) {
  const limit = services.config.importMaxBytes
  const thread = new ImportThread()
  api.addHook('onClose', () => thread.close())
  await api.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('application/json', (request, payload, done) => {
      if (Number(request.headers['content-length']) > limit) {
        done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), undefined)
        return
      }
      const upload = thread.upload()
      // A body nested too deep is refused at once, without reading the rest of it.
      const depth = new JsonDepthScan()
      let finished = false
      const finish = (error: Error | null) => {
        if (finished) return
        finished = true
        payload.removeListener('data', onData)
        if (error) upload.discard()
        done(error, error ? undefined : upload)
      }
      const onData = (chunk: Buffer) => {
        if (upload.bytes + chunk.byteLength > limit) {
          finish(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())
          return
        }
        if (depth.push(chunk)) {
          finish(HttpProblem.badRequest(tooDeepDetail('export')))
          return
        }
        upload.write(chunk)
      }
      payload.on('data', onData)
      payload.on('end', () => finish(null))
      payload.on('error', (error) => finish(error))
      payload.on('close', () =>
        finish(HttpProblem.badRequest('The request ended before its body did.')),
      )
    })
    scope.post('/sessions/import', { ...openRoute, bodyLimit: limit }, async (request, reply) => {
      const upload = request.body
      if (!(upload instanceof ImportUpload)) {
        throw HttpProblem.badRequest('The export is missing; send it as a JSON object.')
      }
      try {
        return reply.code(201).send(await importSession(services, upload))
      } finally {
        upload.discard()
      }
    })
  })
}
