import { isPlan, type Plan } from './plans.ts'

/** How the Stripe SDK is reached and what the operator set up in Stripe. */
export interface PaymentsConfig {
  secretKey: string
  webhookSecret: string
  /** STRIPE_API_URL as the SDK's constructor takes it; unset: Stripe's own API. */
  api: { host: string; port: number; protocol: 'http' | 'https' } | undefined
  automaticTax: boolean
  /** The Stripe Price ids of each plan, by interval (STRIPE_PRICE_PRO, STRIPE_PRICE_PRO_YEARLY). */
  prices: Partial<Record<Plan, { monthly?: string; yearly?: string }>>
}

const PRICE_VARIABLE = /^STRIPE_PRICE_([A-Z0-9_]+)$/
const PRICE_ID = /^price_[A-Za-z0-9]+$/

/** The SDK's host, port and protocol from a base URL such as http://127.0.0.1:12111. */
export function apiTarget(url: string): NonNullable<PaymentsConfig['api']> {
  const parsed = new URL(url)
  const protocol = parsed.protocol === 'http:' ? 'http' : 'https'
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : protocol === 'http' ? 80 : 443,
    protocol,
  }
}

/**
 * STRIPE_PRICE_<PLAN> (monthly) and STRIPE_PRICE_<PLAN>_YEARLY: the prices of the plans
 * the limits table names. Problems are returned as sentences naming the variable.
 */
export function planPrices(env: Record<string, string | undefined>): {
  prices: PaymentsConfig['prices']
  problems: string[]
} {
  const prices: PaymentsConfig['prices'] = {}
  const problems: string[] = []
  for (const [name, value] of Object.entries(env)) {
    const match = PRICE_VARIABLE.exec(name)
    if (!match || value === undefined || value === '') continue
    const [, rest] = match as unknown as [string, string]
    const yearly = rest.endsWith('_YEARLY')
    const plan = (yearly ? rest.slice(0, -'_YEARLY'.length) : rest).toLowerCase()
    if (!isPlan(plan) || plan === 'free') {
      problems.push(
        `${name} names no plan that is sold: expected STRIPE_PRICE_PRO, STRIPE_PRICE_EVENT (or their _YEARLY prices)`,
      )
      continue
    }
    if (!PRICE_ID.test(value)) {
      problems.push(
        `${name}=${JSON.stringify(value)} is not valid: expected a Stripe Price id such as price_1PqR…`,
      )
      continue
    }
    prices[plan] = { ...prices[plan], [yearly ? 'yearly' : 'monthly']: value }
  }
  return { prices, problems }
}
