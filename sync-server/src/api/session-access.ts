import { DEFAULT_SETTINGS, ID_PATTERN, type SessionSettings } from '@podium/shared'
import type { AccessClaims } from '@podium/shared/token'
import type { FastifyRequest } from 'fastify'
import type { Selectable } from 'kysely'
import { z } from 'zod'
import { requireRole } from '../auth/request-tokens.ts'
import type { SessionsTable } from '../db/schema.ts'
import { HttpProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'

const idParam = z.string().regex(ID_PATTERN, 'must be an id of 6-64 letters, digits, - or _')

/** Path parameters of /api/sessions/:id/…; each named id is checked for shape. */
export function pathIds<K extends string>(
  request: FastifyRequest,
  ...names: K[]
): Record<K, string> {
  const shape = Object.fromEntries(names.map((n) => [n, idParam])) as Record<K, typeof idParam>
  return parse(z.object(shape), request.params, 'path') as Record<K, string>
}

export interface SessionRow extends Omit<Selectable<SessionsTable>, 'settings'> {
  settings: SessionSettings
}

/**
 * The session named in the path, for a caller whose token is for that session and has
 * one of `roles`: 400 for a malformed id, 401/403 for the token, 404 if it is gone.
 */
export async function sessionFor(
  request: FastifyRequest,
  services: Services,
  roles: ReadonlyArray<AccessClaims['role']>,
): Promise<{ session: SessionRow; claims: AccessClaims }> {
  const { id } = pathIds(request, 'id')
  const claims = await requireRole(request, services.config.tokenSecret, id, roles)
  const standing = await services.standing.of({
    sessionId: id,
    userId: claims.sub,
    role: claims.role,
  })
  if (standing === 'revoked') {
    throw HttpProblem.forbidden(
      `The host has withdrawn your ${claims.role} role in this session. Ask them for a new invite, or join again with the session code.`,
    )
  }
  if (claims.dev && !(await services.auth.devices.signedIn(claims.dev)))
    throw HttpProblem.unauthorized('You were signed out on this device. Sign in again.')
  const row = await services.db.kysely
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) throw HttpProblem.notFound(`There is no session ${id}; it may have been deleted.`)
  // The server wrote this row; missing fields (from an older version) take the defaults.
  const settings = {
    ...DEFAULT_SETTINGS,
    ...(JSON.parse(row.settings) as Partial<SessionSettings>),
  }
  return { session: { ...row, settings }, claims }
}

/** Routes that take no body accept none, or an empty JSON object. */
export function noBody(request: FastifyRequest): void {
  if (request.body === undefined || request.body === null) return
  parse(
    z.strictObject({}, { error: 'this request takes no fields; send {} or nothing' }),
    request.body,
  )
}
