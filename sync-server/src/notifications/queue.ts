import { type NotificationChannel, type NotificationKind, newId } from '@podium/shared'
import type { Kysely, Selectable, Transaction } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { Database, NotificationsTable } from '../db/schema.ts'

/** The life of a queued message: sent once, or retried until it is dead (and stays visible). */
export const NotificationStatus = {
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  /** The last attempt failed; another is due at `next_attempt_at`. */
  failed: 'failed',
  /** No attempt is left, or one failed for good; kept for the host's and operator's view. */
  dead: 'dead',
} as const
export type NotificationStatus = (typeof NotificationStatus)[keyof typeof NotificationStatus]

/** Milliseconds since the epoch; injected so tests can move time. */
export type Clock = () => number

export type Executor = Kysely<Database> | Transaction<Database>

/** Whom a message is for, on its channel. */
export interface Recipient {
  accountId?: string | null
  email?: string
  pushSubscriptionId?: string
  phone?: string
}

export interface OutgoingMessage {
  kind: NotificationKind
  channel: NotificationChannel
  to: Recipient
  /** The session it is about (the host's view lists it there). */
  sessionId?: string | null
  /** What the template needs, as JSON. */
  data: Record<string, unknown>
  /**
   * What the message is about, with its recipient (a question and an account, an invite):
   * with the kind and channel it makes the idempotency key, so it is queued once.
   */
  subject: string
  /** Not to be sent before this time (default: now). */
  notBefore?: number
}

export type NotificationRow = Selectable<NotificationsTable>

/** The idempotency key of a message: kind, channel and subject. */
export function idempotencyKey(message: Pick<OutgoingMessage, 'kind' | 'channel' | 'subject'>) {
  return `${message.kind}/${message.channel}/${message.subject}`
}

/**
 * The notifications table as a queue. Messages are put in with the transaction of the
 * change that causes them, so both commit or neither does; a unique idempotency key
 * means a message queued twice (a retried request, a replayed event, two instances) is
 * one row. Due rows are claimed with `FOR UPDATE SKIP LOCKED` on Postgres, so each goes
 * to one instance; SQLite has one writer, and its claim is one statement.
 */
export class NotificationQueue {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Queues a message in `trx`; its id, or null when its key was queued before. */
  async enqueue(trx: Executor, message: OutgoingMessage): Promise<string | null> {
    const now = this.clock()
    const row = await trx
      .insertInto('notifications')
      .values({
        id: newId(),
        kind: message.kind,
        channel: message.channel,
        account_id: message.to.accountId ?? null,
        email: message.to.email ?? null,
        push_subscription_id: message.to.pushSubscriptionId ?? null,
        phone: message.to.phone ?? null,
        session_id: message.sessionId ?? null,
        data: JSON.stringify(message.data),
        idempotency_key: idempotencyKey(message),
        status: NotificationStatus.queued,
        attempts: 0,
        next_attempt_at: message.notBefore ?? now,
        last_error: null,
        created_at: now,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .executeTakeFirst()
    return row?.id ?? null
  }

  /**
   * Takes up to `limit` due rows (or only `ids`, if they are due) for this instance: each
   * becomes `sending`, its attempt counted, and is not due again for `leaseMs`, so a row
   * whose instance died while sending it is taken up again after that.
   */
  async claim(limit: number, leaseMs: number, ids?: string[]): Promise<NotificationRow[]> {
    if (ids?.length === 0) return []
    const now = this.clock()
    const postgres = this.db.dialect === 'postgres'
    return this.db.kysely.transaction().execute(async (trx) => {
      const due = trx
        .selectFrom('notifications')
        .select('id')
        .where('status', 'in', [
          NotificationStatus.queued,
          NotificationStatus.failed,
          NotificationStatus.sending,
        ])
        .where('next_attempt_at', '<=', now)
        .$if(ids !== undefined, (q) => q.where('id', 'in', ids ?? []))
        .orderBy('next_attempt_at')
        .limit(limit)
        .$if(postgres, (q) => q.forUpdate().skipLocked())
      return trx
        .updateTable('notifications')
        .set((eb) => ({
          status: NotificationStatus.sending,
          attempts: eb('attempts', '+', 1),
          next_attempt_at: now + leaseMs,
        }))
        .where('id', 'in', due)
        .returningAll()
        .execute()
    })
  }

  /** Sent: kept with the data the template had, less what must not be kept (a sign-in link). */
  async sent(id: string, data: Record<string, unknown>): Promise<void> {
    await this.db.kysely
      .updateTable('notifications')
      .set({
        status: NotificationStatus.sent,
        sent_at: this.clock(),
        last_error: null,
        data: JSON.stringify(data),
      })
      .where('id', '=', id)
      .execute()
  }

  /** An attempt failed: tried again at `retryAt`, or dead when that is null. */
  async failed(id: string, error: string, retryAt: number | null): Promise<void> {
    await this.db.kysely
      .updateTable('notifications')
      .set({
        status: retryAt === null ? NotificationStatus.dead : NotificationStatus.failed,
        last_error: error.slice(0, 1000),
        next_attempt_at: retryAt ?? this.clock(),
      })
      .where('id', '=', id)
      .execute()
  }

  /** A dead or failed row queued again now, with its attempts counted afresh (a host's retry). */
  async retry(id: string): Promise<boolean> {
    const result = await this.db.kysely
      .updateTable('notifications')
      .set({ status: NotificationStatus.queued, attempts: 0, next_attempt_at: this.clock() })
      .where('id', '=', id)
      .where('status', 'in', [NotificationStatus.dead, NotificationStatus.failed])
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  /** How many rows are due now (and not being sent). */
  async due(): Promise<number> {
    const row = await this.db.kysely
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('due'))
      .where('status', 'in', [
        NotificationStatus.queued,
        NotificationStatus.failed,
        NotificationStatus.sending,
      ])
      .where('next_attempt_at', '<=', this.clock())
      .executeTakeFirst()
    return Number(row?.due ?? 0)
  }

  /** Rows waiting to be sent, and how long the oldest due one has waited (ms). */
  async backlog(): Promise<{ waiting: number; oldestDueMs: number }> {
    const now = this.clock()
    const row = await this.db.kysely
      .selectFrom('notifications')
      .select((eb) => [
        eb.fn.countAll<number>().as('waiting'),
        eb.fn
          .min(
            eb
              .case()
              .when('next_attempt_at', '<=', now)
              .then(eb.ref('next_attempt_at'))
              .else(null)
              .end(),
          )
          .as('oldest'),
      ])
      .where('status', 'in', [
        NotificationStatus.queued,
        NotificationStatus.failed,
        NotificationStatus.sending,
      ])
      .executeTakeFirst()
    const oldest = row?.oldest === null || row?.oldest === undefined ? now : Number(row.oldest)
    return { waiting: Number(row?.waiting ?? 0), oldestDueMs: Math.max(0, now - oldest) }
  }
}
