import { ID_PATTERN, type QuizStanding } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { HttpProblem } from '../http/problem.ts'
import { quizStanding } from '../polls/repository.ts'
import type { Services } from '../services.ts'
import { sessionFor } from './session-access.ts'

/**
 * GET /api/sessions/:id/quizzes/:quizId/standing: the caller's points and place in a quiz.
 * The public document shows the top ten; everyone's own rank comes from here.
 */
export async function pollRoutes(api: FastifyInstance, services: Services) {
  api.get<{ Params: { id: string; quizId: string } }>(
    '/sessions/:id/quizzes/:quizId/standing',
    async (request, reply): Promise<QuizStanding> => {
      const { session, claims } = await sessionFor(request, services, [
        'host',
        'moderator',
        'presenter',
        'attendee',
      ])
      const { quizId } = request.params
      if (!ID_PATTERN.test(quizId))
        throw HttpProblem.badRequest('A quiz id is 6 to 64 letters, digits, - or _.')
      reply.header('cache-control', 'private, no-store')
      return quizStanding(services.db, session.id, quizId, claims.sub)
    },
  )
}
