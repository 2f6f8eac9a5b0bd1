import { isRole, newId, normalizeJoinCode } from '@podium/shared'
import { HttpProblem } from '@podium/shared/server'
import { signToken } from '@podium/shared/token'
import { participantToken, type SignedIn } from '../auth/account-access.ts'
import { ACCESS_TOKEN_TTL } from '../auth/token-ttl.ts'
import type { Services } from '../services.ts'

/**
 * Joins the session with this code. A guest gets a new participant each time; a signed-in
 * account gets its one participant there (made on its first join), on every device, with
 * whatever role it holds, so its questions, votes and receipts follow it. A paid session
 * admits attendees who hold a ticket (402 otherwise, naming the checkout route).
 */
export async function joinSession(
  services: Pick<Services, 'db' | 'config' | 'billing'>,
  rawCode: string,
  givenName: string | undefined,
  signedIn?: SignedIn,
) {
  const code = normalizeJoinCode(rawCode)
  const { db, config } = services
  const session = await db.kysely
    .selectFrom('sessions')
    .select(['id', 'status'])
    .where('code', '=', code)
    .executeTakeFirst()
  if (!session)
    throw HttpProblem.notFound(`No session has the code ${code}. Check the code and try again.`)
  if (signedIn) {
    const known = await db.kysely
      .selectFrom('users')
      .select(['id', 'role', 'name'])
      .where('session_id', '=', session.id)
      .where('account_id', '=', signedIn.account.id)
      .executeTakeFirst()
    if (known && isRole(known.role)) {
      // Staff need no ticket; an attendee's must still hold.
      if (known.role === 'attendee')
        await services.billing.admit(session.id, signedIn.account, false)
      const claims = { sub: known.id, sid: session.id, role: known.role, name: known.name }
      const token = await participantToken(config.tokenSecret, claims, signedIn)
      return { sessionId: session.id, userId: known.id, token, role: known.role, name: known.name }
    }
  }
  await services.billing.admit(session.id, signedIn?.account, true)
  const userId = newId()
  const name = givenName ? givenName : (signedIn?.account.name ?? null)
  await db.kysely
    .insertInto('users')
    .values({
      id: userId,
      session_id: session.id,
      name,
      role: 'attendee',
      created_at: Date.now(),
      account_id: signedIn?.account.id ?? null,
    })
    .execute()
  const claims = { sub: userId, sid: session.id, role: 'attendee' as const, name }
  const token = signedIn
    ? await participantToken(config.tokenSecret, claims, signedIn)
    : await signToken(config.tokenSecret, { typ: 'access', ...claims }, ACCESS_TOKEN_TTL)
  return { sessionId: session.id, userId, token, role: 'attendee' as const, name }
}
