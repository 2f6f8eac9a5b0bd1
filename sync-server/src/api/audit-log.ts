import { AUDIT_PAGE_MAX, type AuditLog, AuditQuery } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { readAudit } from '../audit/log.ts'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'
import { sessionFor } from './session-access.ts'

/** The session's audit log for the host and moderators, read-only: only the server writes it. */
export async function auditLogRoutes(api: FastifyInstance, services: Services) {
  api.get('/sessions/:id/audit', async (request): Promise<AuditLog> => {
    const { session } = await sessionFor(request, services, ['host', 'moderator'])
    const { limit } = parse(AuditQuery, request.query ?? {}, 'query string')
    return { entries: await readAudit(services.db, session.id, limit ?? AUDIT_PAGE_MAX) }
  })
}
