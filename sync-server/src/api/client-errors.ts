import { CLIENT_ERROR_MAX_BYTES, ClientErrorReport } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { parse } from '../http/validate.ts'
import { recordClientError } from '../observability/client-errors.ts'
import type { Services } from '../services.ts'
import { openRoute } from './access.ts'

/**
 * POST /api/client-errors: a browser's uncaught error or unhandled rejection. Open (a
 * crash may come before anyone joined), rate-limited per address, at most 16 KB; 204.
 */
export async function clientErrorRoutes(api: FastifyInstance, services: Services) {
  api.post(
    '/client-errors',
    { ...openRoute, bodyLimit: CLIENT_ERROR_MAX_BYTES },
    async (request, reply) => {
      const report = parse(ClientErrorReport, request.body, 'error report')
      recordClientError(report, {
        log: request.log,
        metrics: services.metrics,
        userAgent: request.headers['user-agent'],
      })
      services.telemetry.captureClientError(report)
      return reply.code(204).send()
    },
  )
}
