import type { Executor } from '../notifications/queue.ts'

/**
 * The ticket Checkout Sessions Podium opened, by Stripe's id, and how each ended. A session
 * ends once: `complete` (paid or a debit under way) or `expired` (it lapsed unpaid). Merged
 * so that whatever order the events arrive in, `complete` wins and `open` changes nothing.
 */
export const CheckoutStatus = { open: 'open', complete: 'complete', expired: 'expired' } as const
export type CheckoutStatus = (typeof CheckoutStatus)[keyof typeof CheckoutStatus]

const RANK: Record<CheckoutStatus, number> = { open: 0, expired: 1, complete: 2 }

export async function markCheckout(
  trx: Executor,
  checkout: { id: string; sessionId: string; accountId: string },
  status: CheckoutStatus,
  now: number,
): Promise<void> {
  const known = await trx
    .selectFrom('ticket_checkouts')
    .select('status')
    .where('id', '=', checkout.id)
    .executeTakeFirst()
  if (!known) {
    await trx
      .insertInto('ticket_checkouts')
      .values({
        id: checkout.id,
        session_id: checkout.sessionId,
        account_id: checkout.accountId,
        status,
        created_at: now,
        updated_at: now,
      })
      .execute()
    return
  }
  const was = known.status as CheckoutStatus
  if ((RANK[was] ?? 0) >= RANK[status]) return
  await trx
    .updateTable('ticket_checkouts')
    .set({ status, updated_at: now })
    .where('id', '=', checkout.id)
    .execute()
}

/** How the account's newest checkout for the session ended; undefined without one. */
export async function lastCheckout(
  trx: Executor,
  sessionId: string,
  accountId: string,
): Promise<CheckoutStatus | undefined> {
  const row = await trx
    .selectFrom('ticket_checkouts')
    .select('status')
    .where('session_id', '=', sessionId)
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst()
  return row?.status as CheckoutStatus | undefined
}
