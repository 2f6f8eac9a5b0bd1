import {
  AcceptInviteBody,
  CreateInviteBody,
  documentName,
  type InvitePreview,
  InvitePreviewBody,
  newId,
  PublicDoc,
} from '@podium/shared'
import { type InviteClaims, signToken, TokenError, verifyInviteToken } from '@podium/shared/token'
import type { FastifyInstance } from 'fastify'
import { optionalAccount, participantToken } from '../auth/account-access.ts'
import { announceStaffRoom } from '../auth/staff-room.ts'
import { ACCESS_TOKEN_TTL } from '../auth/token-ttl.ts'
import { HttpProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import type { KindData } from '../notifications/compose.ts'
import type { Services } from '../services.ts'
import { openRoute } from './access.ts'
import { auditApi } from './audit.ts'
import { pathIds, sessionFor } from './session-access.ts'

const DEFAULT_INVITE_HOURS = 24 * 7

const gone = (detail: string) => new HttpProblem(410, 'Gone', detail)

/**
 * Signed invite links that make someone a moderator or presenter. Each invite is a
 * row too, so the host can revoke it; it is used once.
 */
export async function inviteRoutes(api: FastifyInstance, services: Services) {
  const { db, config } = services

  api.post('/sessions/:id/invites', async (request, reply) => {
    const { session, claims } = await sessionFor(request, services, ['host'])
    const body = parse(CreateInviteBody, request.body)
    const hours = body.expiresInHours ?? DEFAULT_INVITE_HOURS
    const id = newId()
    const now = Date.now()
    const expiresAt = now + hours * 3_600_000
    const invite = await signToken(
      config.tokenSecret,
      { typ: 'invite', sid: session.id, role: body.role, jti: id },
      hours * 3600,
    )
    const url = `${services.publicUrl(request)}/i/${invite}`
    // The invite and its mail are stored together; the queue sends the mail.
    const queued = await db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('invites')
        .values({
          id,
          session_id: session.id,
          role: body.role,
          created_by: claims.sub,
          expires_at: expiresAt,
          revoked: 0,
          created_at: now,
        })
        .execute()
      if (!body.email) return null
      const data: KindData['invite'] = {
        link: url,
        role: body.role,
        sessionTitle: session.title,
        inviterName: claims.name ?? 'The host',
        expiresAt,
      }
      return services.notifications.notifier.toAddress(trx, body.email, {
        kind: 'invite',
        sessionId: session.id,
        subject: id,
        data,
      })
    })
    if (queued) await services.notifications.sendNow([queued])
    await auditApi(services, claims, `invite-${body.role}`, id)
    return reply
      .code(201)
      .send({ id, invite, url, expiresAt, ...(body.email ? { emailed: queued !== null } : {}) })
  })

  api.delete('/sessions/:id/invites/:inviteId', async (request, reply) => {
    const { session, claims } = await sessionFor(request, services, ['host'])
    const { inviteId } = pathIds(request, 'id', 'inviteId')
    // Revoking an invite someone already accepted withdraws the role it gave them: their
    // token no longer opens staff documents or routes (see StandingDirectory).
    const { acceptedBy, label } = await db.kysely.transaction().execute(async (trx) => {
      const invite = await trx
        .selectFrom('invites')
        .leftJoin('users', 'users.id', 'invites.accepted_by')
        .select([
          'invites.role as role',
          'invites.accepted_by as accepted_by',
          'users.name as name',
        ])
        .where('invites.id', '=', inviteId)
        .where('invites.session_id', '=', session.id)
        .executeTakeFirst()
      if (!invite) throw HttpProblem.notFound(`This session has no invite ${inviteId}.`)
      await trx.updateTable('invites').set({ revoked: 1 }).where('id', '=', inviteId).execute()
      const label =
        invite.accepted_by === null
          ? `a ${invite.role} invite, unused`
          : `a ${invite.role} invite used by ${invite.name ?? 'someone without a name'}`
      if (invite.accepted_by === null) return { acceptedBy: null, label }
      await trx
        .updateTable('users')
        .set({ role: 'attendee' })
        .where('id', '=', invite.accepted_by)
        .where('session_id', '=', session.id)
        .where('role', '=', invite.role)
        .execute()
      return { acceptedBy: invite.accepted_by, label }
    })
    if (acceptedBy) {
      await services.withdrawals.withdraw(acceptedBy)
      await announceStaffRoom(services, session.id)
    }
    await auditApi(services, claims, 'revoke-invite', inviteId, label)
    return reply.code(204).send()
  })

  api.post('/invites/preview', openRoute, async (request, reply): Promise<InvitePreview> => {
    const { invite } = parse(InvitePreviewBody, request.body)
    const claims = await inviteClaims(config.tokenSecret, invite)
    const row = await db.kysely
      .selectFrom('invites')
      .innerJoin('sessions', 'sessions.id', 'invites.session_id')
      .select([
        'invites.revoked as revoked',
        'invites.accepted_at as accepted_at',
        'invites.expires_at as expires_at',
        'sessions.title as title',
      ])
      .where('invites.id', '=', claims.jti)
      .where('invites.session_id', '=', claims.sid)
      .executeTakeFirst()
    if (!row)
      throw HttpProblem.notFound(
        'This invite is not known to this server, or its session no longer exists. Ask the host for a new one.',
      )
    checkUsable(row, Date.now())
    // The live title, where the document has one (the host may have renamed the session).
    const title = await services.docs
      .read(documentName.public(claims.sid), (doc) => {
        const pub = new PublicDoc(doc)
        return pub.ready ? pub.meta().title : null
      })
      .catch(() => null)
    reply.header('cache-control', 'no-store')
    return {
      sessionId: claims.sid,
      title: title || row.title,
      role: claims.role,
      expiresAt: Number(row.expires_at),
    }
  })

  api.post('/invites/accept', openRoute, async (request) => {
    // Accepted signed in, the role is the account's: on every device, and on its participant
    // there if it has one already.
    const signedIn = await optionalAccount(request, services)
    const body = parse(AcceptInviteBody, request.body)
    const claims = await inviteClaims(config.tokenSecret, body.invite)
    let userId = newId()
    let name = body.name ? body.name : (signedIn?.account.name ?? null)
    const now = Date.now()
    await db.kysely.transaction().execute(async (trx) => {
      const invite = await trx
        .selectFrom('invites')
        .select(['id', 'revoked', 'accepted_at', 'expires_at'])
        .where('id', '=', claims.jti)
        .where('session_id', '=', claims.sid)
        .executeTakeFirst()
      const session = await trx
        .selectFrom('sessions')
        .select('id')
        .where('id', '=', claims.sid)
        .executeTakeFirst()
      if (!session) throw HttpProblem.notFound('The session this invite is for no longer exists.')
      if (!invite)
        throw HttpProblem.notFound(
          'This invite is not known to this server. Ask the host for a new one.',
        )
      checkUsable(invite, now)
      const existing = signedIn
        ? await trx
            .selectFrom('users')
            .select(['id', 'role', 'name'])
            .where('session_id', '=', claims.sid)
            .where('account_id', '=', signedIn.account.id)
            .executeTakeFirst()
        : undefined
      if (existing?.role === 'host')
        throw HttpProblem.conflict(
          'You host this session already; an invite would only lower your role. Send it to someone else.',
        )
      if (existing) {
        userId = existing.id
        name = body.name ? body.name : existing.name
      }
      const taken = await trx
        .updateTable('invites')
        .set({ accepted_by: userId, accepted_at: now })
        .where('id', '=', invite.id)
        .where('accepted_at', 'is', null)
        .where('revoked', '=', 0)
        .executeTakeFirst()
      if (Number(taken.numUpdatedRows) !== 1)
        throw HttpProblem.conflict('This invite was used at the same moment by someone else.')
      if (existing) {
        await trx
          .updateTable('users')
          .set({ role: claims.role, name })
          .where('id', '=', existing.id)
          .execute()
      } else {
        await trx
          .insertInto('users')
          .values({
            id: userId,
            session_id: claims.sid,
            name,
            role: claims.role,
            created_at: now,
            account_id: signedIn?.account.id ?? null,
          })
          .execute()
      }
    })
    const participant = { sub: userId, sid: claims.sid, role: claims.role, name }
    const token = signedIn
      ? await participantToken(config.tokenSecret, participant, signedIn)
      : await signToken(config.tokenSecret, { typ: 'access', ...participant }, ACCESS_TOKEN_TTL)
    await announceStaffRoom(services, claims.sid)
    await auditApi(
      services,
      { sid: claims.sid, sub: userId, name, role: claims.role },
      'accept-invite',
      claims.jti,
    )
    return { sessionId: claims.sid, userId, token, role: claims.role, name }
  })
}

/** The claims of an invite this server signed; 400 for a garbled one, 410 for an expired one. */
async function inviteClaims(secret: string, invite: string): Promise<InviteClaims> {
  try {
    return await verifyInviteToken(secret, invite)
  } catch (error) {
    if (error instanceof TokenError && error.code === 'expired')
      throw gone('This invite link has expired. Ask the host for a new one.')
    throw HttpProblem.badRequest(
      'This invite link is not valid. Check that the whole link was copied, or ask the host for a new one.',
    )
  }
}

/** An invite can still be accepted: not revoked (410), not used (409), not expired (410). */
function checkUsable(
  invite: { revoked: number; accepted_at: number | null; expires_at: number },
  now: number,
): void {
  if (invite.revoked) throw gone('The host has withdrawn this invite. Ask them for a new one.')
  if (invite.accepted_at !== null)
    throw HttpProblem.conflict(
      'This invite has already been used. Each invite link admits one person; ask the host for a new one.',
    )
  if (Number(invite.expires_at) <= now)
    throw gone('This invite link has expired. Ask the host for a new one.')
}
