/**
 * Why a message was not delivered. `permanent`: trying again cannot help (the address was
 * refused, the push subscription is gone), so the message is dead at once; otherwise it
 * is tried again later, not sooner than `retryAfterMs` when the other side said so.
 */
export class DeliveryError extends Error {
  override name = 'DeliveryError'
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message)
  }
}
