import type { InviteList, StaffList } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { listInvites, listStaff, withdrawStaff } from '../auth/staff.ts'
import type { Services } from '../services.ts'
import { auditApi } from './audit.ts'
import { noBody, pathIds, sessionFor } from './session-access.ts'

/** The host's view of who runs the session: every invite, every staff member, and withdrawing one. */
export async function staffRoutes(api: FastifyInstance, services: Services) {
  api.get('/sessions/:id/invites', async (request, reply): Promise<InviteList> => {
    const { session } = await sessionFor(request, services, ['host'])
    // Unused invites carry their link: the answer is the host's alone.
    reply.header('cache-control', 'private, no-store')
    return { invites: await listInvites(services, session.id, services.publicUrl(request)) }
  })

  api.get('/sessions/:id/staff', async (request): Promise<StaffList> => {
    const { session } = await sessionFor(request, services, ['host'])
    return { staff: await listStaff(services.db, session.id) }
  })

  api.delete('/sessions/:id/staff/:userId', async (request, reply) => {
    noBody(request)
    const { session, claims } = await sessionFor(request, services, ['host'])
    const { userId } = pathIds(request, 'id', 'userId')
    const label = await withdrawStaff(services, session.id, userId)
    await auditApi(services, claims, 'revoke-staff', userId, label)
    return reply.code(204).send()
  })
}
