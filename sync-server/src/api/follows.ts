import { FollowBody, normalizeJoinCode } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { requireAccount } from '../auth/account-access.ts'
import { HttpProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'
import { accountRoute } from './access.ts'
import { scheduleOf } from './schedule.ts'
import { pathIds } from './session-access.ts'

/**
 * Sessions a signed-in person follows, to be reminded before they start. Following takes
 * the session's join code: whoever may join may follow.
 */
export async function followRoutes(api: FastifyInstance, services: Services) {
  const { db } = services

  api.get('/me/follows', accountRoute, async (request) => {
    const { account } = await requireAccount(request, services)
    const rows = await db.kysely
      .selectFrom('session_follows')
      .innerJoin('sessions', 'sessions.id', 'session_follows.session_id')
      .select([
        'sessions.id',
        'sessions.title',
        'sessions.code',
        'sessions.starts_at',
        'sessions.time_zone',
      ])
      .where('session_follows.account_id', '=', account.id)
      .orderBy('sessions.starts_at')
      .limit(500)
      .execute()
    return {
      follows: rows.map((r) => ({
        sessionId: r.id,
        title: r.title,
        code: r.code,
        schedule: scheduleOf(r),
      })),
    }
  })

  api.post('/me/follows', accountRoute, async (request, reply) => {
    const { account } = await requireAccount(request, services)
    const { code } = parse(FollowBody, request.body)
    const session = await db.kysely
      .selectFrom('sessions')
      .select(['id', 'title', 'code', 'starts_at', 'time_zone'])
      .where('code', '=', normalizeJoinCode(code))
      .executeTakeFirst()
    if (!session)
      throw HttpProblem.notFound(`There is no session with the code ${code}. Check the code.`)
    await db.kysely
      .insertInto('session_follows')
      .values({ session_id: session.id, account_id: account.id, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['session_id', 'account_id']).doNothing())
      .execute()
    return reply.code(201).send({
      sessionId: session.id,
      title: session.title,
      code: session.code,
      schedule: scheduleOf(session),
    })
  })

  api.delete('/me/follows/:sessionId', accountRoute, async (request, reply) => {
    const { account } = await requireAccount(request, services)
    const { sessionId } = pathIds(request, 'sessionId')
    const removed = await db.kysely
      .deleteFrom('session_follows')
      .where('session_id', '=', sessionId)
      .where('account_id', '=', account.id)
      .executeTakeFirst()
    if (Number(removed.numDeletedRows) !== 1)
      throw HttpProblem.notFound(`You do not follow session ${sessionId}.`)
    return reply.code(204).send()
  })
}
