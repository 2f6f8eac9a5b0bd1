import { CreateSessionBody, type CreateSessionResponse, JoinBody } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { optionalAccount } from '../auth/account-access.ts'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'
import { type CreatedSession, createSession } from '../sessions/create.ts'
import { hostLinkUrl } from '../sessions/host-links.ts'
import { joinSession } from '../sessions/join.ts'
import { openRoute } from './access.ts'

/** POST /api/sessions (create) and POST /api/join: as a guest, or signed in (an account token). */
export async function sessionRoutes(api: FastifyInstance, services: Services) {
  api.post('/sessions', openRoute, async (request, reply) => {
    const signedIn = await optionalAccount(request, services)
    const created = await createSession(services, parse(CreateSessionBody, request.body), signedIn)
    return reply.code(201).send(createdResponse(created, services.publicUrl(request)))
  })

  api.post('/join', openRoute, async (request) => {
    const signedIn = await optionalAccount(request, services)
    const body = parse(JoinBody, request.body)
    return joinSession(services, body.code, body.name, signedIn)
  })
}

/** What creating (or duplicating) a session answers: the host link as a URL, if one was made. */
export function createdResponse(created: CreatedSession, publicUrl: string): CreateSessionResponse {
  const { hostLinkToken, ...rest } = created
  return {
    ...rest,
    joinUrl: `${publicUrl}/j/${created.code}`,
    ...(hostLinkToken ? { hostLink: hostLinkUrl(publicUrl, hostLinkToken) } : {}),
  }
}
