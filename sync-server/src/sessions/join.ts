import { newId, normalizeJoinCode } from '@podium/shared'
import { HttpProblem } from '@podium/shared/server'
import { signToken } from '@podium/shared/token'
import { ACCESS_TOKEN_TTL } from '../auth/token-ttl.ts'
import type { Services } from '../services.ts'

/** A guest attendee of the session with this code: a new participant and their token. */
export async function joinSession(
  services: Pick<Services, 'db' | 'config'>,
  rawCode: string,
  givenName: string | undefined,
) {
  const code = normalizeJoinCode(rawCode)
  const session = await services.db.kysely
    .selectFrom('sessions')
    .select(['id', 'status'])
    .where('code', '=', code)
    .executeTakeFirst()
  if (!session)
    throw HttpProblem.notFound(`No session has the code ${code}. Check the code and try again.`)
  const userId = newId()
  const name = givenName ? givenName : null
  await services.db.kysely
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
    services.config.tokenSecret,
    { typ: 'access', sub: userId, sid: session.id, role: 'attendee', name },
    ACCESS_TOKEN_TTL,
  )
  return { sessionId: session.id, userId, token, role: 'attendee' as const, name }
}
