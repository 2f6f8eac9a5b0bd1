import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { Database } from '../db/schema.ts'
import type { DomainEvent, EventData, EventDraft } from './types.ts'

/**
 * The stored events. Appended inside the transaction that stores the decisions they
 * report; read in `seq` order by subscribers, each from its own cursor.
 *
 * On Postgres, instances append under one transaction-scoped advisory lock taken just
 * before the insert, so `seq` values commit in the order they were drawn: a reader that has
 * seen seq N never later finds an N-1 committed behind it. SQLite has one writer anyway.
 */
export class EventLog {
  constructor(private readonly db: Db) {}

  async append(trx: Transaction<Database>, events: EventDraft[]): Promise<void> {
    if (events.length === 0) return
    if (this.db.dialect === 'postgres')
      await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx)
    for (let i = 0; i < events.length; i += 200) {
      await trx
        .insertInto('domain_events')
        .values(
          events.slice(i, i + 200).map(({ sessionId, at, ...data }) => ({
            session_id: sessionId,
            type: data.type,
            data: JSON.stringify(data),
            at,
          })),
        )
        .execute()
    }
  }

  /** Events after `seq`, oldest first, at most `limit`. */
  async after(
    seq: number,
    limit: number,
    executor: Db['kysely'] | Transaction<Database> = this.db.kysely,
  ): Promise<DomainEvent[]> {
    const rows = await executor
      .selectFrom('domain_events')
      .select(['seq', 'session_id', 'data', 'at'])
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(limit)
      .execute()
    return rows.map((r) => ({
      ...(JSON.parse(r.data) as EventData),
      seq: Number(r.seq),
      sessionId: r.session_id,
      at: Number(r.at),
    }))
  }

  /** The newest event's seq (0 when there is none). */
  async last(): Promise<number> {
    const row = await this.db.kysely
      .selectFrom('domain_events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst()
    return Number(row?.seq ?? 0)
  }
}

/** The advisory lock key for appending events ('podium-events' folded into 32 bits). */
const LOCK_KEY = 0x70_6f_64_65
