import { newId, PushSubscriptionBody } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { requireAccount } from '../auth/account-access.ts'
import { HttpProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import { endpointProblem } from '../notifications/channels/push-endpoint.ts'
import type { Services } from '../services.ts'
import { accountRoute } from './access.ts'
import { pathIds } from './session-access.ts'

/** Push subscriptions a signed-in person's browsers make (after they asked for notifications). */
const MAX_SUBSCRIPTIONS = 20

export async function pushSubscriptionRoutes(api: FastifyInstance, services: Services) {
  const { db } = services

  api.get('/push/subscriptions', accountRoute, async (request) => {
    const { account } = await requireAccount(request, services)
    const rows = await db.kysely
      .selectFrom('push_subscriptions')
      .select(['id', 'endpoint', 'created_at'])
      .where('account_id', '=', account.id)
      .execute()
    return {
      publicKey: services.notifications.push.publicKey,
      subscriptions: rows.map((r) => ({
        id: r.id,
        host: new URL(r.endpoint).host,
        createdAt: Number(r.created_at),
      })),
    }
  })

  api.post('/push/subscriptions', accountRoute, async (request, reply) => {
    const { account } = await requireAccount(request, services)
    const body = parse(PushSubscriptionBody, request.body)
    const refused = endpointProblem(body.endpoint, services.notifications.pushPolicy)
    if (refused) throw HttpProblem.badRequest(refused)
    const id = await db.kysely.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('push_subscriptions')
        .select(['id', 'account_id'])
        .where('endpoint', '=', body.endpoint)
        .executeTakeFirst()
      // The same browser subscribing again (new keys, or another account signed in there).
      if (existing) {
        await trx
          .updateTable('push_subscriptions')
          .set({ account_id: account.id, p256dh: body.keys.p256dh, auth: body.keys.auth })
          .where('id', '=', existing.id)
          .execute()
        return existing.id
      }
      const count = await trx
        .selectFrom('push_subscriptions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', account.id)
        .executeTakeFirst()
      if (Number(count?.n ?? 0) >= MAX_SUBSCRIPTIONS)
        throw HttpProblem.conflict(
          `You have ${MAX_SUBSCRIPTIONS} browsers subscribed already. Remove one (DELETE /api/push/subscriptions/<id>) first.`,
        )
      const made = newId()
      await trx
        .insertInto('push_subscriptions')
        .values({
          id: made,
          account_id: account.id,
          endpoint: body.endpoint,
          p256dh: body.keys.p256dh,
          auth: body.keys.auth,
          created_at: Date.now(),
        })
        .execute()
      return made
    })
    return reply.code(201).send({ id })
  })

  api.delete('/push/subscriptions/:subscriptionId', accountRoute, async (request, reply) => {
    const { account } = await requireAccount(request, services)
    const { subscriptionId } = pathIds(request, 'subscriptionId')
    const removed = await db.kysely
      .deleteFrom('push_subscriptions')
      .where('id', '=', subscriptionId)
      .where('account_id', '=', account.id)
      .executeTakeFirst()
    if (Number(removed.numDeletedRows) !== 1)
      throw HttpProblem.notFound(`You have no push subscription ${subscriptionId}.`)
    return reply.code(204).send()
  })
}
