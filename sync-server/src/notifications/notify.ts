import { KIND_RULES, type NotificationChannel, type NotificationKind } from '@podium/shared'
import type { Preferences } from './preferences.ts'
import type { Executor, NotificationQueue } from './queue.ts'
import type { Suppressions } from './suppressions.ts'

/** What is said, to whom, once: the kind, its data, and the subject that names it. */
export interface Notice {
  kind: NotificationKind
  sessionId?: string | null
  /** What it is about (a question, a session's start): with the recipient, it is queued once. */
  subject: string
  data: Record<string, unknown>
  /** Not before this time (default now). */
  notBefore?: number
}

/**
 * Queues a notice for an account on every channel it wants that kind by and this server
 * offers: its e-mail address, each of its push subscriptions, its confirmed phone number.
 * Runs in the caller's transaction and reads only through it.
 */
export class Notifier {
  constructor(
    private readonly queue: NotificationQueue,
    private readonly preferences: Preferences,
    private readonly suppressions: Suppressions,
    private readonly offered: readonly NotificationChannel[],
  ) {}

  /** Queues the notice for the account; the ids of the rows queued now. */
  async toAccount(trx: Executor, accountId: string, notice: Notice): Promise<string[]> {
    const account = await trx
      .selectFrom('accounts')
      .select(['id', 'email'])
      .where('id', '=', accountId)
      .executeTakeFirst()
    if (!account) return []
    const wanted = (await this.preferences.of(trx, accountId))[notice.kind]
    const ids: Array<string | null> = []
    const base = {
      kind: notice.kind,
      sessionId: notice.sessionId ?? null,
      data: notice.data,
      ...(notice.notBefore !== undefined ? { notBefore: notice.notBefore } : {}),
    }
    const subject = `${notice.subject}/${accountId}`
    for (const channel of this.offered) {
      if (!wanted[channel]) continue
      switch (channel) {
        case 'email':
          ids.push(
            await this.queue.enqueue(trx, {
              ...base,
              channel,
              subject,
              to: { accountId, email: account.email },
            }),
          )
          break
        case 'push': {
          const subscriptions = await trx
            .selectFrom('push_subscriptions')
            .select('id')
            .where('account_id', '=', accountId)
            .execute()
          for (const s of subscriptions)
            ids.push(
              await this.queue.enqueue(trx, {
                ...base,
                channel,
                subject: `${subject}/${s.id}`,
                to: { accountId, pushSubscriptionId: s.id },
              }),
            )
          break
        }
        case 'sms': {
          const phone = await trx
            .selectFrom('phone_numbers')
            .select('phone')
            .where('account_id', '=', accountId)
            .where('confirmed_at', 'is not', null)
            .executeTakeFirst()
          if (phone)
            ids.push(
              await this.queue.enqueue(trx, {
                ...base,
                channel,
                subject,
                to: { accountId, phone: phone.phone },
              }),
            )
          break
        }
        default: {
          const never: never = channel
          throw new Error(`unknown channel ${String(never)}`)
        }
      }
    }
    return ids.filter((id): id is string => id !== null)
  }

  /**
   * Queues a mail to an address (a sign-in link, an invite to someone who may have no
   * account). When the address is an account's that turned this kind of mail off, or is
   * suppressed for it, nothing is queued; null then, or when the subject was queued before.
   */
  async toAddress(trx: Executor, email: string, notice: Notice): Promise<string | null> {
    const address = email.toLowerCase()
    const transactional = KIND_RULES[notice.kind].transactional
    if (!transactional && (await this.suppressions.reason(trx, address, notice.kind))) return null
    const account = await trx
      .selectFrom('accounts')
      .select('id')
      .where('email', '=', address)
      .executeTakeFirst()
    if (
      account &&
      !transactional &&
      !(await this.preferences.wants(trx, account.id, notice.kind, 'email'))
    )
      return null
    return this.queue.enqueue(trx, {
      kind: notice.kind,
      channel: 'email',
      sessionId: notice.sessionId ?? null,
      data: notice.data,
      subject: `${notice.subject}/${address}`,
      to: { accountId: account?.id ?? null, email: address },
      ...(notice.notBefore !== undefined ? { notBefore: notice.notBefore } : {}),
    })
  }

  /** Queues a text to a phone number (a confirmation code). */
  async toPhone(trx: Executor, phone: string, accountId: string, notice: Notice) {
    return this.queue.enqueue(trx, {
      kind: notice.kind,
      channel: 'sms',
      sessionId: notice.sessionId ?? null,
      data: notice.data,
      subject: notice.subject,
      to: { accountId, phone },
    })
  }
}
