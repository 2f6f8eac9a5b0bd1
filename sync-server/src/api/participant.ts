import { isStaff, type JoinResponse, RenameBody, ROLES } from '@podium/shared'
import { signToken } from '@podium/shared/token'
import type { FastifyInstance } from 'fastify'
import { ACCOUNT_TOKEN_TTL } from '../auth/account-access.ts'
import { ACCESS_TOKEN_TTL } from '../auth/token-ttl.ts'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'
import { auditApi } from './audit.ts'
import { sessionFor } from './session-access.ts'

/**
 * PATCH /api/sessions/:id/me: the caller's own name in the session, from now on. Names
 * travel in tokens (the server records who did what from the token, never from a
 * document), so the answer is a new token with the new name; the old one keeps working.
 */
export async function participantRoutes(api: FastifyInstance, services: Services) {
  api.patch('/sessions/:id/me', async (request): Promise<JoinResponse> => {
    const { session, claims } = await sessionFor(request, services, ROLES)
    const { name } = parse(RenameBody, request.body)
    await services.db.kysely
      .updateTable('users')
      .set({ name })
      .where('id', '=', claims.sub)
      .where('session_id', '=', session.id)
      .execute()
    const token = await signToken(
      services.config.tokenSecret,
      {
        typ: 'access',
        sub: claims.sub,
        sid: session.id,
        role: claims.role,
        name,
        ...(claims.acc ? { acc: claims.acc } : {}),
        ...(claims.dev ? { dev: claims.dev } : {}),
      },
      claims.dev ? ACCOUNT_TOKEN_TTL : ACCESS_TOKEN_TTL,
    )
    if (isStaff(claims.role) && name !== claims.name)
      await auditApi(
        services,
        { ...claims, name },
        'rename',
        claims.sub,
        claims.name ? `formerly ${claims.name}` : undefined,
      )
    return { sessionId: session.id, userId: claims.sub, token, role: claims.role, name }
  })
}
