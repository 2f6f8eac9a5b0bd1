/**
 * The Stripe events Podium acts on; any other type is stored and ignored. Named once, so
 * the handler's switch is exhaustive and docs/payments.md lists the same set.
 */
export const HandledEvent = {
  checkoutCompleted: 'checkout.session.completed',
  asyncPaymentSucceeded: 'checkout.session.async_payment_succeeded',
  asyncPaymentFailed: 'checkout.session.async_payment_failed',
  checkoutExpired: 'checkout.session.expired',
  chargeRefunded: 'charge.refunded',
  disputeCreated: 'charge.dispute.created',
  subscriptionCreated: 'customer.subscription.created',
  subscriptionUpdated: 'customer.subscription.updated',
  subscriptionDeleted: 'customer.subscription.deleted',
  invoicePaid: 'invoice.paid',
  invoicePaymentFailed: 'invoice.payment_failed',
} as const
export type HandledEvent = (typeof HandledEvent)[keyof typeof HandledEvent]
export const HANDLED_EVENTS: readonly string[] = Object.values(HandledEvent)

export function isHandled(type: string): type is HandledEvent {
  return HANDLED_EVENTS.includes(type)
}

/** A stored event's state in the durable queue. */
export const EventStatus = {
  queued: 'queued',
  done: 'done',
  ignored: 'ignored',
  failed: 'failed',
} as const
export type EventStatus = (typeof EventStatus)[keyof typeof EventStatus]
