import {
  CreateSessionBody,
  DEFAULT_SETTINGS,
  documentName,
  JoinBody,
  newId,
  newJoinCode,
  normalizeJoinCode,
  PublicDoc,
  type SessionSettings,
} from '@podium/shared'
import { signToken } from '@podium/shared/token'
import type { FastifyInstance } from 'fastify'
import { HttpProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'
import { openRoute } from './access.ts'

/** Guest tokens last long enough to come back to a session offline. */
export const ACCESS_TOKEN_TTL = 60 * 60 * 24 * 30

/** POST /api/sessions (create) and POST /api/join (guest identity). */
export async function sessionRoutes(api: FastifyInstance, services: Services) {
  const { db, config } = services

  api.post('/sessions', openRoute, async (request, reply) => {
    const body = parse(CreateSessionBody, request.body)
    const id = newId()
    const hostUserId = newId()
    const now = Date.now()
    const settings: SessionSettings = { ...DEFAULT_SETTINGS, ...body.settings }
    const code = await insertWithFreshCode(services, (code) =>
      db.kysely.transaction().execute(async (trx) => {
        await trx
          .insertInto('sessions')
          .values({
            id,
            code,
            title: body.title,
            host_user_id: hostUserId,
            status: 'draft',
            settings: JSON.stringify(settings),
            created_at: now,
            updated_at: now,
          })
          .execute()
        await trx
          .insertInto('users')
          .values({
            id: hostUserId,
            session_id: id,
            name: body.hostName ?? null,
            role: 'host',
            created_at: now,
          })
          .execute()
      }),
    )
    await services.docs.change(documentName.public(id), (doc) => {
      const pub = new PublicDoc(doc)
      pub.setMeta({
        title: body.title,
        description: body.description ?? '',
        status: 'draft',
        code,
        createdAt: now,
      })
      pub.setSettings(settings)
    })
    const hostToken = await signToken(
      config.tokenSecret,
      { typ: 'access', sub: hostUserId, sid: id, role: 'host', name: body.hostName ?? null },
      ACCESS_TOKEN_TTL,
    )
    return reply.code(201).send({
      id,
      code,
      hostToken,
      hostUserId,
      joinUrl: `${services.publicUrl(request)}/j/${code}`,
    })
  })

  api.post('/join', openRoute, async (request) => {
    const body = parse(JoinBody, request.body)
    const code = normalizeJoinCode(body.code)
    const session = await db.kysely
      .selectFrom('sessions')
      .select(['id', 'status'])
      .where('code', '=', code)
      .executeTakeFirst()
    if (!session)
      throw HttpProblem.notFound(`No session has the code ${code}. Check the code and try again.`)
    const userId = newId()
    const name = body.name ? body.name : null
    await db.kysely
      .insertInto('users')
      .values({
        id: userId,
        session_id: session.id,
        name,
        role: 'attendee',
        created_at: Date.now(),
      })
      .execute()
    const token = await signToken(
      config.tokenSecret,
      { typ: 'access', sub: userId, sid: session.id, role: 'attendee', name },
      ACCESS_TOKEN_TTL,
    )
    return { sessionId: session.id, userId, token, role: 'attendee' as const, name }
  })
}

/** Join codes are short, so a collision is possible: try a fresh one a few times. */
export async function insertWithFreshCode(
  services: Services,
  insert: (code: string) => Promise<void>,
): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = newJoinCode(attempt < 3 ? 6 : 8)
    try {
      await insert(code)
      return code
    } catch (error) {
      if (!/unique|duplicate/i.test(String((error as Error).message))) throw error
      services.log.debug({ code }, 'join code collision, trying another')
    }
  }
  throw new HttpProblem(
    503,
    'Service unavailable',
    'Could not find a free join code; please try again.',
  )
}
