import type { NotificationKind } from '@podium/shared'
import type { Executor } from './queue.ts'

/** Every kind that is not strictly transactional. */
export const ALL_KINDS = '*'

export type SuppressionReason = 'unsubscribed' | 'bounced' | 'complained'

/**
 * Addresses that get no more mail: of one kind (an unsubscribe link followed by someone
 * without an account), or of any kind that is not transactional (a permanent bounce, a
 * complaint). Checked before every mail is sent.
 */
export class Suppressions {
  constructor(private readonly clock: () => number) {}

  async add(
    db: Executor,
    email: string,
    kind: NotificationKind | typeof ALL_KINDS,
    reason: SuppressionReason,
  ): Promise<void> {
    await db
      .insertInto('notification_suppressions')
      .values({ email: email.toLowerCase(), kind, reason, created_at: this.clock() })
      .onConflict((oc) => oc.columns(['email', 'kind']).doNothing())
      .execute()
  }

  async remove(db: Executor, email: string, kind: NotificationKind): Promise<void> {
    await db
      .deleteFrom('notification_suppressions')
      .where('email', '=', email.toLowerCase())
      .where('kind', '=', kind)
      .execute()
  }

  /** Why mail of `kind` must not go to `email`, or null. */
  async reason(db: Executor, email: string, kind: NotificationKind): Promise<string | null> {
    const row = await db
      .selectFrom('notification_suppressions')
      .select(['kind', 'reason'])
      .where('email', '=', email.toLowerCase())
      .where('kind', 'in', [kind, ALL_KINDS])
      .executeTakeFirst()
    return row ? `${row.reason}${row.kind === ALL_KINDS ? '' : ` from ${kind}`}` : null
  }
}
