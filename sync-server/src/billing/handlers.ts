import { newId } from '@podium/shared'
import type { Notifier } from '../notifications/notify.ts'
import type { Executor } from '../notifications/queue.ts'
import { CheckoutStatus, markCheckout } from './checkouts.ts'
import { HandledEvent } from './events.ts'
import { GRACE_PERIOD_MS, isPlan, type Plan } from './plans.ts'
import { type Effects, noEffects, queueReceipt, revokeTicket } from './tickets.ts'

/** The fields of Stripe's objects the handlers read (the SDK's types describe far more). */
interface CheckoutObject {
  id: string
  mode: 'payment' | 'subscription' | 'setup'
  payment_status: 'paid' | 'unpaid' | 'no_payment_required'
  amount_total: number | null
  currency: string | null
  customer: string | null
  customer_email: string | null
  client_reference_id: string | null
  payment_intent: string | null
  metadata: Record<string, string> | null
}
interface ChargeObject {
  id: string
  payment_intent: string | null
  amount: number
  amount_refunded: number
  currency: string
}
interface DisputeObject {
  id: string
  charge: string
  payment_intent: string | null
  amount: number
  currency: string
  reason: string | null
}
interface SubscriptionObject {
  id: string
  customer: string
  status: string
  metadata: Record<string, string> | null
  items: { data: Array<{ price: { id: string }; current_period_end?: number }> }
}
interface InvoiceObject {
  id: string
  customer: string
}

export interface StoredEvent {
  id: string
  type: HandledEvent
  created: number
  data: { object: unknown }
}

export interface HandlerContext {
  notifier: Notifier
  now: number
  /** The plan a Stripe Price id sells (STRIPE_PRICE_<PLAN>). */
  planOfPrice(priceId: string): Plan | undefined
}

/**
 * Applies one stored event inside the transaction that marks it done. Each handler reads
 * the object's own state (payment status, amount refunded, subscription status), never
 * the order events came in, so a refund seen before its payment still ends revoked.
 */
export async function handleEvent(
  trx: Executor,
  ctx: HandlerContext,
  event: StoredEvent,
): Promise<Effects> {
  const object = event.data.object
  switch (event.type) {
    case HandledEvent.checkoutCompleted:
    case HandledEvent.asyncPaymentSucceeded:
      return checkoutSettled(trx, ctx, object as CheckoutObject, event.type)
    case HandledEvent.asyncPaymentFailed:
      return checkoutFailed(trx, ctx, object as CheckoutObject)
    case HandledEvent.checkoutExpired:
      return checkoutExpired(trx, ctx, object as CheckoutObject)
    case HandledEvent.chargeRefunded:
      return chargeRefunded(trx, ctx, object as ChargeObject)
    case HandledEvent.disputeCreated:
      return disputeCreated(trx, ctx, object as DisputeObject)
    case HandledEvent.subscriptionCreated:
    case HandledEvent.subscriptionUpdated:
    case HandledEvent.subscriptionDeleted:
      return subscriptionChanged(trx, ctx, object as SubscriptionObject, event)
    case HandledEvent.invoicePaid:
      return invoicePaid(trx, ctx, object as InvoiceObject, event.created)
    case HandledEvent.invoicePaymentFailed:
      return invoiceFailed(trx, ctx, object as InvoiceObject, event.created)
    default: {
      const never: never = event.type
      throw new Error(`no handler for ${String(never)}`)
    }
  }
}

async function checkoutSettled(
  trx: Executor,
  ctx: HandlerContext,
  cs: CheckoutObject,
  type: HandledEvent,
): Promise<Effects> {
  const accountId = cs.metadata?.account_id ?? cs.client_reference_id
  if (cs.mode === 'subscription') {
    if (accountId && cs.customer) await linkCustomer(trx, accountId, cs.customer, ctx.now)
    return noEffects()
  }
  const sessionId = cs.metadata?.session_id
  if (cs.mode !== 'payment' || !sessionId || !accountId) return noEffects()
  const paid =
    type === HandledEvent.asyncPaymentSucceeded ||
    cs.payment_status === 'paid' ||
    cs.payment_status === 'no_payment_required'
  const effects = noEffects()
  await markCheckout(trx, { id: cs.id, sessionId, accountId }, CheckoutStatus.complete, ctx.now)
  let ticket = await closeCheckout(trx, sessionId, accountId, cs.id)
  if (!ticket) {
    const account = await trx
      .selectFrom('accounts')
      .select('email')
      .where('id', '=', accountId)
      .executeTakeFirst()
    const made = {
      id: newId(),
      session_id: sessionId,
      account_id: accountId,
      email: (account?.email ?? cs.customer_email ?? '').toLowerCase(),
      kind: 'paid',
      status: 'pending',
      amount: cs.amount_total ?? 0,
      currency: cs.currency,
      amount_refunded: 0,
      checkout_session_id: cs.id,
      payment_intent_id: cs.payment_intent,
      created_at: ctx.now,
      updated_at: ctx.now,
    }
    await trx.insertInto('tickets').values(made).execute()
    ticket = { ...made, revoked_reason: null }
  }
  // Revoked is final: a refund, dispute or failure seen first keeps it so.
  if (ticket.status === 'revoked') return effects
  if (ticket.payment_intent_id === null && cs.payment_intent)
    await trx
      .updateTable('tickets')
      .set({ payment_intent_id: cs.payment_intent })
      .where('id', '=', ticket.id)
      .execute()
  const payment = cs.payment_intent
    ? await trx
        .selectFrom('stripe_payments')
        .selectAll()
        .where('payment_intent_id', '=', cs.payment_intent)
        .executeTakeFirst()
    : undefined
  if (payment && (payment.disputed || Number(payment.amount_refunded) >= Number(payment.amount))) {
    await trx
      .updateTable('tickets')
      .set({ amount_refunded: Number(payment.amount_refunded) })
      .where('id', '=', ticket.id)
      .execute()
    effects.withdraw.push(
      ...(await revokeTicket(trx, ticket, payment.disputed ? 'disputed' : 'refunded', ctx.now)),
    )
    return effects
  }
  if (paid && ticket.status !== 'active') {
    await trx
      .updateTable('tickets')
      .set({
        status: 'active',
        updated_at: ctx.now,
        ...(payment ? { amount_refunded: Number(payment.amount_refunded) } : {}),
      })
      .where('id', '=', ticket.id)
      .execute()
    const queued = await queueReceipt(trx, ctx.notifier, ticket)
    if (queued) effects.notify.push(queued)
  }
  return effects
}

/**
 * A Checkout Session has ended, paid or not: the buyer's seat hold goes (a ticket takes its
 * place or the seat is free again), and the ticket it made, if one was made before.
 */
async function closeCheckout(
  trx: Executor,
  sessionId: string,
  accountId: string,
  checkoutId: string,
) {
  await trx
    .deleteFrom('ticket_reservations')
    .where('session_id', '=', sessionId)
    .where('account_id', '=', accountId)
    .execute()
  return trx
    .selectFrom('tickets')
    .selectAll()
    .where('checkout_session_id', '=', checkoutId)
    .executeTakeFirst()
}

/**
 * A Checkout Session lapsed unpaid: the seat it held is free again and the checkout is
 * marked expired. Only this checkout's hold goes (the buyer may have opened another since),
 * a ticket it made stays as it is, and a completion seen for it keeps it complete.
 */
async function checkoutExpired(
  trx: Executor,
  ctx: HandlerContext,
  cs: CheckoutObject,
): Promise<Effects> {
  const sessionId = cs.metadata?.session_id
  const accountId = cs.metadata?.account_id ?? cs.client_reference_id
  if (cs.mode !== 'payment' || !sessionId || !accountId) return noEffects()
  const reservationId = cs.metadata?.reservation_id
  await trx
    .deleteFrom('ticket_reservations')
    .where('session_id', '=', sessionId)
    .where((eb) =>
      eb.or([
        eb('checkout_session_id', '=', cs.id),
        ...(reservationId ? [eb('id', '=', reservationId)] : []),
      ]),
    )
    .execute()
  await markCheckout(trx, { id: cs.id, sessionId, accountId }, CheckoutStatus.expired, ctx.now)
  return noEffects()
}

async function checkoutFailed(
  trx: Executor,
  ctx: HandlerContext,
  cs: CheckoutObject,
): Promise<Effects> {
  const sessionId = cs.metadata?.session_id
  const accountId = cs.metadata?.account_id ?? cs.client_reference_id
  if (!sessionId || !accountId) return noEffects()
  const ticket = await closeCheckout(trx, sessionId, accountId, cs.id)
  if (ticket) {
    if (ticket.status === 'revoked') return noEffects()
    return { withdraw: await revokeTicket(trx, ticket, 'payment-failed', ctx.now), notify: [] }
  }
  // Seen before its completion: kept as a revoked ticket, so the completion changes nothing.
  const account = await trx
    .selectFrom('accounts')
    .select('email')
    .where('id', '=', accountId)
    .executeTakeFirst()
  await trx
    .insertInto('tickets')
    .values({
      id: newId(),
      session_id: sessionId,
      account_id: accountId,
      email: (account?.email ?? cs.customer_email ?? '').toLowerCase(),
      kind: 'paid',
      status: 'revoked',
      revoked_reason: 'payment-failed',
      amount: cs.amount_total ?? 0,
      currency: cs.currency,
      amount_refunded: 0,
      checkout_session_id: cs.id,
      payment_intent_id: cs.payment_intent,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .execute()
  return noEffects()
}

/** Keeps what Stripe said of a payment, merged so that an older event never lowers it. */
async function mergePayment(
  trx: Executor,
  paymentIntent: string,
  values: {
    charge_id?: string
    amount: number
    currency: string
    amount_refunded: number
    disputed: number
  },
  now: number,
) {
  const known = await trx
    .selectFrom('stripe_payments')
    .selectAll()
    .where('payment_intent_id', '=', paymentIntent)
    .executeTakeFirst()
  if (!known) {
    await trx
      .insertInto('stripe_payments')
      .values({
        payment_intent_id: paymentIntent,
        charge_id: values.charge_id ?? null,
        amount: values.amount,
        currency: values.currency,
        amount_refunded: values.amount_refunded,
        disputed: values.disputed,
        updated_at: now,
      })
      .execute()
    return { ...values, amount_refunded: values.amount_refunded, disputed: values.disputed }
  }
  const merged = {
    amount_refunded: Math.max(Number(known.amount_refunded), values.amount_refunded),
    disputed: Math.max(known.disputed, values.disputed),
  }
  await trx
    .updateTable('stripe_payments')
    .set({ ...merged, charge_id: known.charge_id ?? values.charge_id ?? null, updated_at: now })
    .where('payment_intent_id', '=', paymentIntent)
    .execute()
  return { amount: Number(known.amount), ...merged }
}

async function chargeRefunded(
  trx: Executor,
  ctx: HandlerContext,
  charge: ChargeObject,
): Promise<Effects> {
  if (!charge.payment_intent) return noEffects()
  const state = await mergePayment(
    trx,
    charge.payment_intent,
    {
      charge_id: charge.id,
      amount: charge.amount,
      currency: charge.currency,
      amount_refunded: charge.amount_refunded,
      disputed: 0,
    },
    ctx.now,
  )
  const ticket = await trx
    .selectFrom('tickets')
    .selectAll()
    .where('payment_intent_id', '=', charge.payment_intent)
    .executeTakeFirst()
  if (!ticket) return noEffects()
  await trx
    .updateTable('tickets')
    .set({ amount_refunded: state.amount_refunded, updated_at: ctx.now })
    .where('id', '=', ticket.id)
    .execute()
  await trx
    .updateTable('ticket_refunds')
    .set({ status: 'succeeded' })
    .where('ticket_id', '=', ticket.id)
    .where('status', '=', 'requested')
    .execute()
  if (ticket.status === 'revoked') return noEffects()
  const asked = await trx
    .selectFrom('ticket_refunds')
    .select('id')
    .where('ticket_id', '=', ticket.id)
    .where('revoke', '=', 1)
    .where('status', '!=', 'failed')
    .executeTakeFirst()
  if (state.amount_refunded < state.amount && !asked) return noEffects()
  return { withdraw: await revokeTicket(trx, ticket, 'refunded', ctx.now), notify: [] }
}

async function disputeCreated(
  trx: Executor,
  ctx: HandlerContext,
  dispute: DisputeObject,
): Promise<Effects> {
  if (!dispute.payment_intent) return noEffects()
  const known = await trx
    .selectFrom('ticket_disputes')
    .select('id')
    .where('id', '=', dispute.id)
    .executeTakeFirst()
  if (!known)
    await trx
      .insertInto('ticket_disputes')
      .values({
        id: dispute.id,
        payment_intent_id: dispute.payment_intent,
        amount: dispute.amount,
        currency: dispute.currency,
        reason: dispute.reason,
        created_at: ctx.now,
      })
      .execute()
  await mergePayment(
    trx,
    dispute.payment_intent,
    { amount: dispute.amount, currency: dispute.currency, amount_refunded: 0, disputed: 1 },
    ctx.now,
  )
  const ticket = await trx
    .selectFrom('tickets')
    .selectAll()
    .where('payment_intent_id', '=', dispute.payment_intent)
    .executeTakeFirst()
  if (!ticket || ticket.status === 'revoked') return noEffects()
  return { withdraw: await revokeTicket(trx, ticket, 'disputed', ctx.now), notify: [] }
}

async function linkCustomer(trx: Executor, accountId: string, customerId: string, now: number) {
  const row = await trx
    .selectFrom('host_plans')
    .select('account_id')
    .where('account_id', '=', accountId)
    .executeTakeFirst()
  if (row)
    await trx
      .updateTable('host_plans')
      .set({ customer_id: customerId, updated_at: now })
      .where('account_id', '=', accountId)
      .execute()
  else
    await trx
      .insertInto('host_plans')
      .values({
        account_id: accountId,
        customer_id: customerId,
        subscription_id: null,
        plan: 'free',
        status: 'none',
        period_end: null,
        grace_until: null,
        stripe_updated: 0,
        updated_at: now,
      })
      .execute()
}

async function subscriptionChanged(
  trx: Executor,
  ctx: HandlerContext,
  sub: SubscriptionObject,
  event: StoredEvent,
): Promise<Effects> {
  const byCustomer = await trx
    .selectFrom('host_plans')
    .selectAll()
    .where('customer_id', '=', sub.customer)
    .executeTakeFirst()
  const accountId = sub.metadata?.account_id ?? byCustomer?.account_id
  if (!accountId) return noEffects()
  await linkCustomer(trx, accountId, sub.customer, ctx.now)
  const row = await trx
    .selectFrom('host_plans')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow()
  // An older event than the one applied last changes nothing.
  if (Number(row.stripe_updated) > event.created) return noEffects()
  const item = sub.items.data[0]
  const plan = item ? ctx.planOfPrice(item.price.id) : undefined
  const status = event.type === HandledEvent.subscriptionDeleted ? 'canceled' : sub.status
  await trx
    .updateTable('host_plans')
    .set({
      subscription_id: sub.id,
      plan: plan ?? (isPlan(row.plan) ? row.plan : 'free'),
      status,
      period_end: item?.current_period_end ? item.current_period_end * 1000 : row.period_end,
      grace_until: status === 'active' || status === 'trialing' ? null : row.grace_until,
      stripe_updated: event.created,
      updated_at: ctx.now,
    })
    .where('account_id', '=', accountId)
    .execute()
  return noEffects()
}

async function invoicePaid(
  trx: Executor,
  ctx: HandlerContext,
  invoice: InvoiceObject,
  created: number,
): Promise<Effects> {
  await trx
    .updateTable('host_plans')
    .set({ status: 'active', grace_until: null, updated_at: ctx.now })
    .where('customer_id', '=', invoice.customer)
    .where('status', 'in', ['past_due', 'active', 'none'])
    .where('stripe_updated', '<=', created)
    .execute()
  return noEffects()
}

async function invoiceFailed(
  trx: Executor,
  ctx: HandlerContext,
  invoice: InvoiceObject,
  created: number,
): Promise<Effects> {
  const row = await trx
    .selectFrom('host_plans')
    .innerJoin('accounts', 'accounts.id', 'host_plans.account_id')
    .select([
      'host_plans.account_id as account_id',
      'host_plans.plan as plan',
      'host_plans.grace_until as grace_until',
      'host_plans.stripe_updated as stripe_updated',
      'accounts.email as email',
    ])
    .where('host_plans.customer_id', '=', invoice.customer)
    .executeTakeFirst()
  if (!row || Number(row.stripe_updated) > created) return noEffects()
  const graceUntil = row.grace_until === null ? ctx.now + GRACE_PERIOD_MS : Number(row.grace_until)
  await trx
    .updateTable('host_plans')
    .set({ status: 'past_due', grace_until: graceUntil, updated_at: ctx.now })
    .where('account_id', '=', row.account_id)
    .execute()
  const queued = await ctx.notifier.toAddress(trx, row.email, {
    kind: 'billing',
    subject: `renewal-failed/${invoice.id}`,
    data: { plan: row.plan, graceUntil },
  })
  return { withdraw: [], notify: queued ? [queued] : [] }
}
