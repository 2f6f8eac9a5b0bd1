import { randomInt } from 'node:crypto'
import { PhoneBody, PhoneCodeBody } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { requireAccount } from '../auth/account-access.ts'
import { hashSecret } from '../auth/secrets.ts'
import { HttpProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import type { KindData } from '../notifications/compose.ts'
import type { Services } from '../services.ts'
import { accountRoute } from './access.ts'
import { noBody } from './session-access.ts'

/** How long a confirmation code works, and how many wrong tries it takes. */
const CODE_TTL_MS = 10 * 60_000
const CODE_TRIES = 5
/** Codes one account may ask for per hour (each is a text someone pays for). */
const CODES_PER_HOUR = 5

/**
 * A phone number for SMS reminders: given, then confirmed with a 6-digit code sent to it.
 * Without SMS_URL and its companions the channel is not offered and these answer 501.
 */
export async function phoneRoutes(api: FastifyInstance, services: Services) {
  const { db, notifications } = services
  const asked = new Map<string, number[]>()

  const offered = () => {
    if (!notifications.sms)
      throw new HttpProblem(
        501,
        'Not implemented',
        'SMS is not configured on this server, so phone numbers are not used. Notifications come by e-mail and push.',
      )
  }

  api.put('/me/phone', accountRoute, async (request, reply) => {
    offered()
    const { account } = await requireAccount(request, services)
    const { phone } = parse(PhoneBody, request.body)
    const now = Date.now()
    const recent = (asked.get(account.id) ?? []).filter((t) => t > now - 3_600_000)
    if (recent.length >= CODES_PER_HOUR)
      throw new HttpProblem(
        429,
        'Too many requests',
        `Codes were sent to you ${CODES_PER_HOUR} times in the last hour. Wait an hour, then ask again.`,
      )
    asked.set(account.id, [...recent, now])
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    const queued = await db.kysely.transaction().execute(async (trx) => {
      const row = {
        phone,
        confirmed_at: null,
        code_hash: hashSecret(`${account.id}:${code}`),
        code_expires_at: now + CODE_TTL_MS,
        code_attempts: 0,
      }
      await trx
        .insertInto('phone_numbers')
        .values({ account_id: account.id, created_at: now, ...row })
        .onConflict((oc) => oc.column('account_id').doUpdateSet(row))
        .execute()
      const data: KindData['phone-code'] = { code }
      return notifications.notifier.toPhone(trx, phone, account.id, {
        kind: 'phone-code',
        subject: `${account.id}/${now}`,
        data,
      })
    })
    await notifications.sendNow([queued])
    return reply.code(202).send({ number: phone, confirmed: false })
  })

  api.post('/me/phone/confirm', accountRoute, async (request) => {
    offered()
    const { account } = await requireAccount(request, services)
    const { code } = parse(PhoneCodeBody, request.body)
    const row = await db.kysely
      .selectFrom('phone_numbers')
      .selectAll()
      .where('account_id', '=', account.id)
      .executeTakeFirst()
    if (!row?.code_hash || row.code_expires_at === null)
      throw HttpProblem.notFound('No code is waiting: give your number first (PUT /api/me/phone).')
    if (Number(row.code_expires_at) <= Date.now())
      throw new HttpProblem(
        410,
        'Gone',
        'The code has expired (codes work 10 minutes). Ask for a new one.',
      )
    if (row.code_attempts >= CODE_TRIES)
      throw new HttpProblem(410, 'Gone', 'Too many wrong codes. Ask for a new one.')
    if (hashSecret(`${account.id}:${code}`) !== row.code_hash) {
      await db.kysely
        .updateTable('phone_numbers')
        .set({ code_attempts: row.code_attempts + 1 })
        .where('account_id', '=', account.id)
        .execute()
      const left = CODE_TRIES - row.code_attempts - 1
      throw HttpProblem.badRequest(
        left > 0
          ? `That is not the code sent to ${row.phone}. ${left} tries left.`
          : 'That is not the code, and no tries are left. Ask for a new one.',
      )
    }
    await db.kysely
      .updateTable('phone_numbers')
      .set({ confirmed_at: Date.now(), code_hash: null, code_expires_at: null, code_attempts: 0 })
      .where('account_id', '=', account.id)
      .execute()
    return { number: row.phone, confirmed: true }
  })

  api.delete('/me/phone', accountRoute, async (request, reply) => {
    noBody(request)
    const { account } = await requireAccount(request, services)
    await db.kysely.deleteFrom('phone_numbers').where('account_id', '=', account.id).execute()
    return reply.code(204).send()
  })
}
