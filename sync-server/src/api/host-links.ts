import { HostLinkBody, type HostLinkIssued } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'
import { hostLinkUrl, issueHostLink, redeemHostLink } from '../sessions/host-links.ts'
import { openRoute } from './access.ts'
import { auditApi } from './audit.ts'
import { noBody, sessionFor } from './session-access.ts'

/**
 * Private host links: `POST /api/host-link` exchanges one for the host's access (anyone
 * holding the link; rate-limited with joining), and the host issues a new one, which
 * revokes the one before.
 */
export async function hostLinkRoutes(api: FastifyInstance, services: Services) {
  api.post('/host-link', openRoute, async (request) => {
    const { token } = parse(HostLinkBody, request.body)
    const host = await redeemHostLink(services, token)
    await auditApi(
      services,
      { sid: host.id, sub: host.hostUserId, name: host.hostName, role: 'host' },
      'open-host-link',
    )
    return {
      id: host.id,
      code: host.code,
      hostToken: host.hostToken,
      hostUserId: host.hostUserId,
      joinUrl: `${services.publicUrl(request)}/j/${host.code}`,
    }
  })

  api.post('/sessions/:id/host-link', async (request, reply) => {
    noBody(request)
    const { session, claims } = await sessionFor(request, services, ['host'])
    const issuedAt = Date.now()
    const token = await services.db.kysely
      .transaction()
      .execute((trx) => issueHostLink(trx, session.id, issuedAt))
    await auditApi(services, claims, 'issue-host-link')
    const issued: HostLinkIssued = {
      hostLink: hostLinkUrl(services.publicUrl(request), token),
      issuedAt,
    }
    return reply.code(201).send(issued)
  })
}
