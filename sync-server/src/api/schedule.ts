import { type Schedule, ScheduleBody } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { HttpProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import { instantOf, localTime } from '../notifications/schedule.ts'
import type { Services } from '../services.ts'
import { auditApi } from './audit.ts'
import { noBody, sessionFor } from './session-access.ts'

/** A session's schedule as the API shows it, from its row; null when none is set. */
export function scheduleOf(row: {
  starts_at: number | null
  time_zone: string | null
}): Schedule | null {
  if (row.starts_at === null || row.time_zone === null) return null
  const startsAt = Number(row.starts_at)
  return { startsAt, timeZone: row.time_zone, local: localTime(startsAt, row.time_zone) }
}

/**
 * When a session is scheduled to start, set by its host: a local time and the time zone
 * it is meant in. Followers get reminders 24 hours and 15 minutes before it.
 */
export async function scheduleRoutes(api: FastifyInstance, services: Services) {
  const { db, notifications } = services

  api.put('/sessions/:id/schedule', async (request): Promise<Schedule> => {
    const { session, claims } = await sessionFor(request, services, ['host'])
    const body = parse(ScheduleBody, request.body)
    const startsAt = instantOf(body.startsAt, body.timeZone)
    if (startsAt === null)
      throw HttpProblem.badRequest(
        `${body.startsAt.replace('T', ' ')} does not happen in ${body.timeZone}: the clocks skip it (daylight saving time starts). Pick a time an hour later.`,
      )
    if (startsAt <= notifications.clock())
      throw HttpProblem.badRequest('startsAt is in the past; a schedule is for a start to come.')
    await db.kysely
      .updateTable('sessions')
      .set({ starts_at: startsAt, time_zone: body.timeZone, updated_at: Date.now() })
      .where('id', '=', session.id)
      .execute()
    await auditApi(services, claims, 'schedule')
    return { startsAt, timeZone: body.timeZone, local: body.startsAt }
  })

  api.delete('/sessions/:id/schedule', async (request, reply) => {
    noBody(request)
    const { session, claims } = await sessionFor(request, services, ['host'])
    await db.kysely
      .updateTable('sessions')
      .set({ starts_at: null, time_zone: null, updated_at: Date.now() })
      .where('id', '=', session.id)
      .execute()
    await auditApi(services, claims, 'unschedule')
    return reply.code(204).send()
  })
}
