import { formatMoney, newId } from '@podium/shared'
import { HttpProblem } from '@podium/shared/server'
import type Stripe from 'stripe'
import type { Db } from '../db/connect.ts'
import { stripeProblem } from './stripe.ts'

export interface RefundRequest {
  sessionId: string
  ticketId: string
  /** Minor units; the whole remainder when undefined. */
  amount: number | undefined
  /** Whether a partial refund takes the ticket too (a full one always does). */
  revoke: boolean
}

/**
 * Asks Stripe to refund a ticket's payment. The request is written down first (with
 * whether the ticket goes), so the `charge.refunded` event that confirms it (which may
 * come before Stripe's answer) finds it; the ticket is revoked only then.
 */
export async function requestRefund(
  db: Db,
  stripe: Stripe,
  input: RefundRequest,
  now: number,
): Promise<{ id: string; amount: number; currency: string; status: string }> {
  const ticket = await db.kysely
    .selectFrom('tickets')
    .selectAll()
    .where('id', '=', input.ticketId)
    .where('session_id', '=', input.sessionId)
    .executeTakeFirst()
  if (!ticket) throw HttpProblem.notFound(`This session has no ticket ${input.ticketId}.`)
  if (ticket.kind !== 'paid' || !ticket.payment_intent_id || !ticket.currency)
    throw HttpProblem.conflict('This ticket was not paid for: there is nothing to refund.')
  const pending = await db.kysely
    .selectFrom('ticket_refunds')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('sum'))
    .where('ticket_id', '=', ticket.id)
    .where('status', '=', 'requested')
    .executeTakeFirstOrThrow()
  const left = Number(ticket.amount) - Math.max(Number(ticket.amount_refunded), Number(pending.sum))
  if (left <= 0) throw HttpProblem.conflict('This ticket has been refunded in full already.')
  const amount = input.amount ?? left
  if (amount > left)
    throw HttpProblem.badRequest(
      `The refund (${formatMoney(amount, ticket.currency, 'en')}) is larger than what is left of the charge (${formatMoney(left, ticket.currency, 'en')}).`,
    )
  const id = newId()
  await db.kysely
    .insertInto('ticket_refunds')
    .values({
      id,
      ticket_id: ticket.id,
      stripe_refund_id: null,
      amount,
      currency: ticket.currency,
      revoke: input.revoke || amount === left ? 1 : 0,
      status: 'requested',
      created_at: now,
    })
    .execute()
  try {
    const refund = await stripe.refunds.create(
      {
        payment_intent: ticket.payment_intent_id,
        amount,
        metadata: { ticket_id: ticket.id, session_id: ticket.session_id, refund_id: id },
      },
      { idempotencyKey: `ticket-refund-${id}` },
    )
    await db.kysely
      .updateTable('ticket_refunds')
      .set({
        stripe_refund_id: refund.id,
        ...(refund.status === 'failed' ? { status: 'failed' } : {}),
      })
      .where('id', '=', id)
      .execute()
    return { id, amount, currency: ticket.currency, status: refund.status ?? 'pending' }
  } catch (error) {
    const problem = stripeProblem(error, 'refunding the ticket')
    await db.kysely
      .updateTable('ticket_refunds')
      .set({ status: 'failed', failure: problem.detail })
      .where('id', '=', id)
      .execute()
    throw problem
  }
}
