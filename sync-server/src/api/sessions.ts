import { CreateSessionBody, JoinBody } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { optionalAccount } from '../auth/account-access.ts'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'
import { createSession } from '../sessions/create.ts'
import { joinSession } from '../sessions/join.ts'
import { openRoute } from './access.ts'

/** POST /api/sessions (create) and POST /api/join: as a guest, or signed in (an account token). */
export async function sessionRoutes(api: FastifyInstance, services: Services) {
  api.post('/sessions', openRoute, async (request, reply) => {
    const signedIn = await optionalAccount(request, services)
    const created = await createSession(services, parse(CreateSessionBody, request.body), signedIn)
    return reply.code(201).send({
      ...created,
      joinUrl: `${services.publicUrl(request)}/j/${created.code}`,
    })
  })

  api.post('/join', openRoute, async (request) => {
    const signedIn = await optionalAccount(request, services)
    const body = parse(JoinBody, request.body)
    return joinSession(services, body.code, body.name, signedIn)
  })
}
