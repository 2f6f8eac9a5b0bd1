import type { FastifyInstance, FastifyReply } from 'fastify'
import { buildExport, publicState } from '../export/build.ts'
import { questionsCsv } from '../export/csv.ts'
import { pollsCsv, pollsExport } from '../polls/export.ts'
import type { Services } from '../services.ts'
import { sessionFor } from './session-access.ts'

const EXPORTERS = ['host', 'moderator'] as const

function attachment(reply: FastifyReply, code: string, extension: string): FastifyReply {
  const day = new Date().toISOString().slice(0, 10)
  return reply.header(
    'content-disposition',
    `attachment; filename="podium-${code}-${day}.${extension}"`,
  )
}

/** A session as JSON (importable), as CSV (one row per question) and as Yjs state. */
export async function exportRoutes(api: FastifyInstance, services: Services) {
  api.get('/sessions/:id/export.json', async (request, reply) => {
    const { session } = await sessionFor(request, services, EXPORTERS)
    const data = await buildExport(services, session.id)
    return attachment(reply, session.code, 'json')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data))
  })

  api.get('/sessions/:id/export.csv', async (request, reply) => {
    const { session } = await sessionFor(request, services, EXPORTERS)
    const data = await buildExport(services, session.id)
    return attachment(reply, session.code, 'csv')
      .type('text/csv; charset=utf-8')
      .send(questionsCsv(data.public))
  })

  api.get('/sessions/:id/polls.csv', async (request, reply) => {
    const { session } = await sessionFor(request, services, EXPORTERS)
    const polls = await pollsExport(services, session.id)
    return attachment(reply, `${session.code}-polls`, 'csv')
      .type('text/csv; charset=utf-8')
      .send(pollsCsv(polls))
  })

  api.get('/sessions/:id/export.ydoc', async (request, reply) => {
    const { session } = await sessionFor(request, services, EXPORTERS)
    const state = await publicState(services.docs, session.id)
    return attachment(reply, session.code, 'ydoc')
      .type('application/octet-stream')
      .send(Buffer.from(state.buffer, state.byteOffset, state.byteLength))
  })
}
