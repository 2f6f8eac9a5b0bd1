import type { Logger } from 'pino'
import type { Db } from '../db/connect.ts'
import type { KindData } from './compose.ts'
import type { Notifier } from './notify.ts'
import type { Clock } from './queue.ts'

/** Reminders go this long before a session's scheduled start. */
export const REMINDER_LEADS = { '24h': 24 * 3_600_000, '15m': 15 * 60_000 } as const
export type ReminderLead = keyof typeof REMINDER_LEADS

/** Followers queued in one transaction. */
const CHUNK = 200

/** Which reminder is due at `now` for a start at `startsAt`, if any. */
export function dueLead(now: number, startsAt: number): ReminderLead | null {
  if (now >= startsAt) return null
  if (now >= startsAt - REMINDER_LEADS['15m']) return '15m'
  if (now >= startsAt - REMINDER_LEADS['24h']) return '24h'
  return null
}

/**
 * Finds sessions whose reminder is due and queues it for everyone following them. Every
 * instance scans; the idempotency key (session, start, lead, account, channel) makes each
 * reminder one row however many scans find it. A session moved to another time gets its
 * reminders again for the new time; the ones queued for the old time are not sent.
 */
export class Reminders {
  constructor(
    private readonly db: Db,
    private readonly notifier: Notifier,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Queues what is due now; how many rows were queued. */
  async scan(): Promise<number> {
    const now = this.clock()
    const sessions = await this.db.kysely
      .selectFrom('sessions')
      .select(['id', 'starts_at'])
      .where('starts_at', '>', now)
      .where('starts_at', '<=', now + REMINDER_LEADS['24h'])
      .where('status', '!=', 'ended')
      .execute()
    let queued = 0
    for (const session of sessions) {
      const startsAt = Number(session.starts_at)
      const lead = dueLead(now, startsAt)
      if (!lead) continue
      const followers = await this.db.kysely
        .selectFrom('session_follows')
        .select('account_id')
        .where('session_id', '=', session.id)
        .orderBy('account_id')
        .execute()
      for (let i = 0; i < followers.length; i += CHUNK) {
        const chunk = followers.slice(i, i + CHUNK)
        queued += await this.db.kysely.transaction().execute(async (trx) => {
          let n = 0
          const data: KindData['reminder'] = { sessionId: session.id, startsAt, lead }
          for (const { account_id } of chunk)
            n += (
              await this.notifier.toAccount(trx, account_id, {
                kind: 'reminder',
                sessionId: session.id,
                subject: `${session.id}/${startsAt}/${lead}`,
                data,
              })
            ).length
          return n
        })
      }
    }
    if (queued > 0) this.log.info({ queued }, 'session reminders queued')
    return queued
  }
}
