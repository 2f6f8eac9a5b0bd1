import { HttpProblem } from '@podium/shared/server'
import type Stripe from 'stripe'
import type { PaymentsConfig } from './config.ts'

/**
 * The SDK, pointed at STRIPE_API_URL when it is set (a proxy, or a stand-in in tests).
 * Loaded only when payments are configured: a server without keys starts without it.
 */
export async function stripeClient(config: PaymentsConfig): Promise<Stripe> {
  const { default: StripeSdk } = await import('stripe')
  return new StripeSdk(config.secretKey, {
    ...(config.api ?? {}),
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: 'Podium' },
  })
}

/** What every payments route answers on a server without Stripe keys. */
export function notConfigured(): HttpProblem {
  return new HttpProblem(
    501,
    'Not implemented',
    'payments are not configured on this server: its operator sets STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (docs/payments.md).',
  )
}

/**
 * A Stripe failure in words a person can act on: a declined card, a needed
 * authentication, Stripe out of reach; never a bare code.
 */
export function stripeProblem(error: unknown, doing: string): HttpProblem {
  if (isStripeError(error)) {
    const code = error.code ?? ''
    switch (code) {
      case 'amount_too_large':
        return HttpProblem.badRequest(
          `The refund is larger than what is left of the charge. ${error.message}`,
        )
      case 'charge_already_refunded':
        return HttpProblem.conflict('This payment has been refunded in full already.')
      case 'amount_too_small':
        return HttpProblem.badRequest(
          `The price is below the smallest amount Stripe charges in this currency. ${error.message}`,
        )
      default:
        break
    }
    if (error.type === 'StripeAuthenticationError')
      return new HttpProblem(
        502,
        'Bad gateway',
        `Stripe refused this server's API key while ${doing}; the operator should check STRIPE_SECRET_KEY.`,
      )
    if (error.type === 'StripeConnectionError')
      return new HttpProblem(
        503,
        'Service unavailable',
        `Stripe could not be reached while ${doing}. Try again in a minute.`,
      )
    if (error.type === 'StripeCardError') return HttpProblem.badRequest(failureWords(code))
    return new HttpProblem(502, 'Bad gateway', `Stripe refused ${doing}: ${error.message}`)
  }
  return new HttpProblem(502, 'Bad gateway', `Stripe could not be asked while ${doing}. Try again.`)
}

/** The SDK's errors (StripeCardError, StripeConnectionError …), told by their type. */
function isStripeError(error: unknown): error is { type: string; code?: string; message: string } {
  if (!(error instanceof Error)) return false
  const type: unknown = Reflect.get(error, 'type')
  return typeof type === 'string' && type.startsWith('Stripe')
}

/** What a buyer reads when a payment fails, by Stripe's decline or error code. */
export function failureWords(code: string | null | undefined): string {
  switch (code) {
    case 'card_declined':
    case 'generic_decline':
    case 'insufficient_funds':
      return 'Your card was declined. Try another card, or ask your bank why it refused the payment.'
    case 'expired_card':
      return 'Your card has expired. Pay with another card.'
    case 'incorrect_cvc':
      return 'The security code of your card is wrong. Check the three digits on the back and try again.'
    case 'authentication_required':
    case 'payment_intent_authentication_failure':
      return 'Your bank asks you to confirm the payment. Start the checkout again and confirm it in your banking app.'
    case 'session-full':
      return 'The session is full: every seat is sold or held in a checkout. Try again later; a seat frees up when a checkout expires.'
    case 'sales-closed':
      return 'Ticket sales for this session are closed.'
    case 'sales-not-open':
      return 'Ticket sales for this session have not opened yet.'
    default:
      return 'The payment did not go through. Try again, or pay with another card.'
  }
}
