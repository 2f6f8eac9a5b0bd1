import {
  ClaimBody,
  contributionsOf,
  documentName,
  isRole,
  type MySession,
  OutboxDoc,
  PublicDoc,
  UpdateAccountBody,
} from '@podium/shared'
import { TokenError, verifyAccessToken } from '@podium/shared/token'
import type { FastifyInstance } from 'fastify'
import * as Y from 'yjs'
import { participantToken, requireAccount } from '../auth/account-access.ts'
import { FORMER_PARTICIPANT } from '../auth/accounts.ts'
import { clearRefreshCookie } from '../auth/cookies.ts'
import { signOutDevice } from '../auth/domain.ts'
import { HttpProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'
import { accountRoute } from './access.ts'
import { noBody, pathIds } from './session-access.ts'

/** The signed-in person: account, devices, sessions, and their participants' tokens. */
export async function meRoutes(api: FastifyInstance, services: Services) {
  const { auth, config, db } = services

  api.get('/me', accountRoute, async (request) => {
    const { account, deviceId } = await requireAccount(request, services)
    const devices = await auth.devices.list(account.id)
    return {
      account,
      devices: devices.map((device) => ({ ...device, current: device.id === deviceId })),
    }
  })

  api.patch('/me', accountRoute, async (request) => {
    const { account } = await requireAccount(request, services)
    const { name } = parse(UpdateAccountBody, request.body)
    await auth.accounts.rename(account.id, name)
    return { account: { ...account, name } }
  })

  api.delete('/me/devices/:deviceId', accountRoute, async (request, reply) => {
    const { account, deviceId: current } = await requireAccount(request, services)
    const { deviceId } = pathIds(request, 'deviceId')
    const mine = await auth.devices.idsOf(account.id)
    if (!mine.includes(deviceId))
      throw HttpProblem.notFound(`You have no signed-in device ${deviceId}.`)
    await signOutDevice(auth, services.withdrawals, deviceId, 'removed')
    if (deviceId === current) clearRefreshCookie(request, reply, services)
    return reply.code(204).send()
  })

  api.delete('/me', accountRoute, async (request, reply) => {
    noBody(request)
    const { account } = await requireAccount(request, services)
    const devices = await auth.devices.idsOf(account.id)
    const participants = await auth.accounts.remove(account.id, (trx) =>
      services.notifications.forgetAccount(trx, account.id),
    )
    for (const deviceId of devices) await services.withdrawals.signOut(deviceId)
    await services.analytics.forget(participants)
    // Their questions and replies stay in the sessions, under a name that is nobody's.
    const bySession = new Map<string, Set<string>>()
    for (const { sessionId, userId } of participants)
      bySession.set(sessionId, (bySession.get(sessionId) ?? new Set()).add(userId))
    for (const [sessionId, ids] of bySession) {
      await services.docs.change(documentName.public(sessionId), (doc) => {
        const pub = new PublicDoc(doc)
        for (const q of pub.questions())
          if (q.authorId && ids.has(q.authorId) && q.authorName !== null)
            pub.updateQuestion(q.id, { authorName: FORMER_PARTICIPANT })
        for (const r of pub.replies())
          if (r.authorId && ids.has(r.authorId) && r.authorName !== null)
            pub.putReply({ ...r, authorName: FORMER_PARTICIPANT })
      })
    }
    clearRefreshCookie(request, reply, services)
    return reply.code(204).send()
  })

  api.get('/me/sessions', accountRoute, async (request) => {
    const { account } = await requireAccount(request, services)
    const rows = await db.kysely
      .selectFrom('users')
      .innerJoin('sessions', 'sessions.id', 'users.session_id')
      .select([
        'sessions.id',
        'sessions.title',
        'sessions.code',
        'sessions.status',
        'sessions.created_at',
        'users.role',
        'users.id as userId',
        'users.created_at as joinedAt',
      ])
      .where('users.account_id', '=', account.id)
      .orderBy('sessions.created_at', 'desc')
      .limit(500)
      .execute()
    const mine = {
      hosting: [] as MySession[],
      staff: [] as MySession[],
      attended: [] as MySession[],
    }
    for (const row of rows) {
      if (!isRole(row.role)) continue
      const session: MySession = {
        id: row.id,
        title: row.title,
        code: row.code,
        status: row.status,
        role: row.role,
        userId: row.userId,
        createdAt: Number(row.created_at),
        joinedAt: Number(row.joinedAt),
      }
      const list =
        row.role === 'host' ? mine.hosting : row.role === 'attendee' ? mine.attended : mine.staff
      list.push(session)
    }
    return mine
  })

  /** A fresh token for my participant in a session, on this device (renewal). */
  api.post('/me/sessions/:id/token', accountRoute, async (request) => {
    noBody(request)
    const signedIn = await requireAccount(request, services)
    const { id } = pathIds(request, 'id')
    const user = await db.kysely
      .selectFrom('users')
      .select(['id', 'role', 'name'])
      .where('session_id', '=', id)
      .where('account_id', '=', signedIn.account.id)
      .executeTakeFirst()
    if (!user || !isRole(user.role))
      throw HttpProblem.notFound(
        `You have not joined session ${id} with this account. Join it with its code first.`,
      )
    const token = await participantToken(
      config.tokenSecret,
      { sub: user.id, sid: id, role: user.role, name: user.name },
      signedIn,
    )
    return { sessionId: id, userId: user.id, token, role: user.role, name: user.name }
  })

  /**
   * What my participant contributed to a session (questions, replies, votes and poll
   * answers, with where each stands): for "Download my data" on the account page, in a
   * session I attended, where the whole export is for staff only.
   */
  api.get('/me/sessions/:id/data', accountRoute, async (request) => {
    const signedIn = await requireAccount(request, services)
    const { id } = pathIds(request, 'id')
    const user = await db.kysely
      .selectFrom('users')
      .select(['id', 'role', 'name'])
      .where('session_id', '=', id)
      .where('account_id', '=', signedIn.account.id)
      .executeTakeFirst()
    if (!user) throw HttpProblem.notFound(`You have not joined session ${id} with this account.`)
    // A copy of the public document, read beside the outbox (each read holds one document).
    const copy = new Y.Doc()
    Y.applyUpdate(
      copy,
      await services.docs.read(documentName.public(id), (doc) => Y.encodeStateAsUpdate(doc)),
    )
    const pub = new PublicDoc(copy)
    const contributions = await services.docs.read(documentName.outbox(id, user.id), (doc) =>
      contributionsOf(
        { sessionId: id, userId: user.id, name: user.name, role: user.role },
        pub,
        new OutboxDoc(doc),
      ),
    )
    const answers = await db.kysely
      .selectFrom('poll_answers')
      .select(['poll_id', 'answer', 'answered_at', 'points'])
      .where('session_id', '=', id)
      .where('user_id', '=', user.id)
      .orderBy('answered_at')
      .execute()
    return {
      ...contributions,
      pollAnswers: answers.map((a) => ({
        pollId: a.poll_id,
        answer: JSON.parse(a.answer) as unknown,
        answeredAt: new Date(Number(a.answered_at)).toISOString(),
        points: a.points,
      })),
    }
  })

  /**
   * A guest who signs in later makes their guest participant of a session theirs: the same
   * user, so their outbox, receipts and votes stay with them.
   */
  api.post('/me/claim', accountRoute, async (request) => {
    const signedIn = await requireAccount(request, services)
    const body = parse(ClaimBody, request.body)
    let claims: Awaited<ReturnType<typeof verifyAccessToken>>
    try {
      claims = await verifyAccessToken(config.tokenSecret, body.token)
    } catch (error) {
      throw HttpProblem.badRequest(
        error instanceof TokenError && error.code === 'expired'
          ? 'That guest token has expired, so it cannot be claimed. Join the session again signed in.'
          : 'That is not a guest token of this server.',
      )
    }
    if (claims.acc !== undefined && claims.acc !== signedIn.account.id)
      throw HttpProblem.forbidden('That participant belongs to another account.')
    const user = await db.kysely.transaction().execute(async (trx) => {
      const mine = await trx
        .selectFrom('users')
        .select('id')
        .where('session_id', '=', claims.sid)
        .where('account_id', '=', signedIn.account.id)
        .executeTakeFirst()
      if (mine && mine.id !== claims.sub)
        throw HttpProblem.conflict(
          'You are already in this session with this account; a second participant cannot be added to it.',
        )
      const taken = await trx
        .updateTable('users')
        .set({ account_id: signedIn.account.id })
        .where('id', '=', claims.sub)
        .where('session_id', '=', claims.sid)
        .where((eb) =>
          eb.or([eb('account_id', 'is', null), eb('account_id', '=', signedIn.account.id)]),
        )
        .executeTakeFirst()
      if (Number(taken.numUpdatedRows) !== 1)
        throw HttpProblem.conflict('That participant belongs to another account, or is gone.')
      return trx
        .selectFrom('users')
        .select(['id', 'role', 'name'])
        .where('id', '=', claims.sub)
        .where('session_id', '=', claims.sid)
        .executeTakeFirstOrThrow()
    })
    if (!isRole(user.role)) throw new Error(`unknown role ${user.role}`)
    if (user.role === 'host')
      await db.kysely
        .updateTable('sessions')
        .set({ owner_account_id: signedIn.account.id })
        .where('id', '=', claims.sid)
        .where('owner_account_id', 'is', null)
        .execute()
    const token = await participantToken(
      config.tokenSecret,
      { sub: user.id, sid: claims.sid, role: user.role, name: user.name },
      signedIn,
    )
    return { sessionId: claims.sid, userId: user.id, token, role: user.role, name: user.name }
  })
}
