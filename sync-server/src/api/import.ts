import { SessionExport } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { importSession } from '../export/import.ts'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'

/** POST /api/sessions/import: a JSON export becomes a new session (no token, like creating one). */
export async function importRoutes(api: FastifyInstance, services: Services) {
  api.post(
    '/sessions/import',
    { bodyLimit: services.config.importMaxBytes },
    async (request, reply) => {
      const data = parse(SessionExport, request.body, 'export')
      return reply.code(201).send(await importSession(services, data))
    },
  )
}
