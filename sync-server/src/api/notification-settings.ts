import {
  KIND_RULES,
  NOTIFICATION_KINDS,
  type NotificationSettings,
  PreferencesPatch,
} from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { requireAccount } from '../auth/account-access.ts'
import type { Account } from '../auth/accounts.ts'
import { HttpProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import { patchProblem } from '../notifications/preferences.ts'
import type { Services } from '../services.ts'
import { accountRoute } from './access.ts'

/** What the signed-in person gets, by which channel: GET and PUT /api/me/notifications. */
export async function notificationSettingsRoutes(api: FastifyInstance, services: Services) {
  const { db, notifications } = services

  async function settings(account: Account): Promise<NotificationSettings> {
    const chosen = await notifications.preferences.of(db.kysely, account.id)
    const offered = notifications.offered
    const subscriptions = await db.kysely
      .selectFrom('push_subscriptions')
      .select(['id', 'endpoint', 'created_at'])
      .where('account_id', '=', account.id)
      .orderBy('created_at')
      .execute()
    const phone = await db.kysely
      .selectFrom('phone_numbers')
      .select(['phone', 'confirmed_at'])
      .where('account_id', '=', account.id)
      .executeTakeFirst()
    return {
      email: account.email,
      offered: [...offered],
      kinds: NOTIFICATION_KINDS.map((kind) => ({
        kind,
        label: KIND_RULES[kind].label,
        transactional: KIND_RULES[kind].transactional,
        channels: Object.fromEntries(
          Object.entries(chosen[kind]).filter(([channel]) =>
            offered.includes(channel as (typeof offered)[number]),
          ),
        ),
      })),
      pushPublicKey: notifications.push.publicKey,
      pushSubscriptions: subscriptions.map((s) => ({
        id: s.id,
        host: new URL(s.endpoint).host,
        createdAt: Number(s.created_at),
      })),
      phone: phone ? { number: phone.phone, confirmed: phone.confirmed_at !== null } : null,
    }
  }

  api.get('/me/notifications', accountRoute, async (request) => {
    const { account } = await requireAccount(request, services)
    return settings(account)
  })

  api.put('/me/notifications', accountRoute, async (request) => {
    const { account } = await requireAccount(request, services)
    const patch = parse(PreferencesPatch, request.body)
    const problem = patchProblem(patch, notifications.offered)
    if (problem) throw HttpProblem.badRequest(problem)
    await db.kysely.transaction().execute(async (trx) => {
      await notifications.preferences.change(trx, account.id, patch)
      // Mail turned back on here also ends an unsubscribe made from a link before.
      for (const [kind, channels] of Object.entries(patch.kinds))
        if (channels?.email === true)
          await notifications.suppressions.remove(
            trx,
            account.email,
            kind as keyof typeof KIND_RULES,
          )
    })
    return settings(account)
  })
}
