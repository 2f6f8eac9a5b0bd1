import { HttpProblem } from '@podium/shared/server'
import { signToken } from '@podium/shared/token'
import type { Kysely, Transaction } from 'kysely'
import { hashSecret, randomSecret } from '../auth/secrets.ts'
import { ACCESS_TOKEN_TTL } from '../auth/token-ttl.ts'
import type { Database } from '../db/schema.ts'
import type { Services } from '../services.ts'
import type { CreatedSession } from './create.ts'

/**
 * Private host links: the way back to the host console on any device for a host who
 * created the session without an account. Only the link's hash is stored; a session has at
 * most one working link, since issuing a new one revokes the one before.
 */

/** Where a link leads in the client: `/h/<token>`. */
export function hostLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/h/${token}`
}

/** A new link for the session, revoking the one it had; stored with `trx` when given. */
export async function issueHostLink(
  db: Kysely<Database> | Transaction<Database>,
  sessionId: string,
  now = Date.now(),
): Promise<string> {
  const token = randomSecret()
  await db
    .updateTable('host_links')
    .set({ revoked_at: now })
    .where('session_id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute()
  await db
    .insertInto('host_links')
    .values({ hash: hashSecret(token), session_id: sessionId, created_at: now })
    .execute()
  return token
}

/**
 * The host's access that a link opens, shaped as creation returns it: 404 for a link
 * nobody issued (or of a deleted session), 410 for one a newer link replaced.
 */
export async function redeemHostLink(
  services: Pick<Services, 'db' | 'config'>,
  token: string,
): Promise<Omit<CreatedSession, 'hostLinkToken'> & { hostName: string | null }> {
  const { db, config } = services
  const row = await db.kysely
    .selectFrom('host_links')
    .innerJoin('sessions', 'sessions.id', 'host_links.session_id')
    .innerJoin('users', 'users.id', 'sessions.host_user_id')
    .select([
      'host_links.revoked_at as revoked_at',
      'sessions.id as id',
      'sessions.code as code',
      'users.id as hostUserId',
      'users.name as name',
    ])
    .where('host_links.hash', '=', hashSecret(token))
    .executeTakeFirst()
  if (!row)
    throw HttpProblem.notFound(
      'This host link is not valid: it was never issued, or its session was deleted. Check that the whole link was copied.',
    )
  if (row.revoked_at !== null)
    throw new HttpProblem(
      410,
      'Gone',
      'This host link was replaced by a newer one and no longer works. Use the newest host link, or ask whoever runs the session for it.',
    )
  const hostToken = await signToken(
    config.tokenSecret,
    { typ: 'access', sub: row.hostUserId, sid: row.id, role: 'host', name: row.name },
    ACCESS_TOKEN_TTL,
  )
  return { id: row.id, code: row.code, hostToken, hostUserId: row.hostUserId, hostName: row.name }
}
