import type { FastifyInstance } from 'fastify'
import { callOn, lowerHand } from '../hands/call.ts'
import { HttpProblem } from '../http/problem.ts'
import type { Services } from '../services.ts'
import { pathIds, sessionFor } from './session-access.ts'

const STAFF = ['host', 'moderator', 'presenter'] as const

const notRaised = () =>
  HttpProblem.notFound(
    'That hand is no longer raised: its owner lowered it, or someone else dealt with it.',
  )

/** Raised hands: staff call on someone (and invite them to the stage) or lower a hand. */
export async function handRoutes(api: FastifyInstance, services: Services) {
  api.post('/sessions/:id/hands/:userId/call', async (request) => {
    const { session, claims } = await sessionFor(request, services, STAFF)
    const { userId } = pathIds(request, 'id', 'userId')
    const caller = {
      sessionId: session.id,
      userId: claims.sub,
      name: claims.name,
      role: claims.role,
    }
    const result = await callOn(services, caller, userId, services.publicUrl(request))
    if (result.kind === 'not-raised') throw notRaised()
    return { hand: result.hand, invitedToStage: result.stageInvite !== null }
  })

  api.post('/sessions/:id/hands/:userId/lower', async (request, reply) => {
    const { session, claims } = await sessionFor(request, services, STAFF)
    const { userId } = pathIds(request, 'id', 'userId')
    const caller = {
      sessionId: session.id,
      userId: claims.sub,
      name: claims.name,
      role: claims.role,
    }
    if (!(await lowerHand(services, caller, userId))) throw notRaised()
    return reply.code(204).send()
  })
}
