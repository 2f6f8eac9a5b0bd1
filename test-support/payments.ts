// A paid session's world over HTTP, as people and Stripe make it: a Podium with Stripe keys
// pointed at the stand-in, a mail server, a host on the pro plan (bought through Checkout
// and the subscription webhooks), and signed webhook deliveries.

import type { PodiumOptions } from '@podium/sync-server'
import { type SignedInClient, signInByEmail } from './accounts.ts'
import { type Inbox, startInbox } from './mail.ts'
import { request, startPodium, type TestPodium } from './podium.ts'
import { type StripeStandIn, startStripe } from './stripe.ts'

export const PRO_PRICE = 'price_proMonthly'

export interface PaymentsWorld {
  stripe: StripeStandIn
  inbox: Inbox
  podium: TestPodium
  url: string
  close(): Promise<void>
}

/** Stripe's stand-in, an inbox and a Podium using both; `env` adds to or overrides it. */
export async function startPaymentsWorld(
  env: Record<string, string> = {},
  options: { stripe?: StripeStandIn; inbox?: Inbox; podium?: PodiumOptions } = {},
): Promise<PaymentsWorld> {
  const stripe = options.stripe ?? (await startStripe())
  stripe.addPrice(PRO_PRICE, { unitAmount: 2900, currency: 'eur', interval: 'month' })
  const inbox = options.inbox ?? (await startInbox())
  const podium = await startPodium(
    { ...stripe.env, SMTP_URL: inbox.url, STRIPE_PRICE_PRO: PRO_PRICE, ...env },
    { billing: { pollMs: 50 }, notifications: { pollMs: 50 }, ...options.podium },
  )
  return {
    stripe,
    inbox,
    podium,
    url: podium.url,
    async close() {
      await podium.close()
      if (!options.stripe) await stripe.close()
      if (!options.inbox) await inbox.close()
    },
  }
}

/** Posts a signed event to Podium's webhook endpoint as Stripe does. */
export function deliver(url: string, event: { payload: string; header: string }) {
  return request<{ received: boolean; duplicate: boolean; handled: boolean }>(
    `${url}/api/stripe/webhook`,
    {
      method: 'POST',
      body: event.payload,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': event.header,
      },
    },
  )
}

/** Polls `check` until it holds (the webhook queue works after the 2xx). */
export async function until<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The account buys the pro plan through Checkout; the subscription events make it so. */
export async function buyProPlan(world: PaymentsWorld, host: SignedInClient): Promise<void> {
  const { stripe, url } = world
  const opened = await request<{ url: string }>(`${url}/api/billing/checkout`, {
    token: host.accessToken,
    body: { plan: 'pro' },
  })
  if (opened.status !== 200) throw new Error(`plan checkout: ${JSON.stringify(opened.body)}`)
  const id = opened.body.url.split('/').pop()!
  const completed = stripe.complete(id)
  await deliver(url, stripe.event('checkout.session.completed', completed))
  const subscription = stripe.subscriptions.get(completed.subscription)!
  await deliver(url, stripe.event('customer.subscription.created', subscription))
  await until(async () => {
    const plan = await request<{ plan: string }>(`${url}/api/billing/plan`, {
      token: host.accessToken,
    })
    return plan.body.plan === 'pro'
  }, 'the pro plan')
}

export interface PaidSession {
  id: string
  code: string
  hostToken: string
}

/** A signed-in host on the pro plan with a session selling `ticket`. */
export async function paidSession(
  world: PaymentsWorld,
  hostEmail: string,
  ticket: Record<string, unknown>,
): Promise<{ host: SignedInClient; session: PaidSession }> {
  const host = await signInByEmail(world.url, world.inbox, hostEmail)
  await buyProPlan(world, host)
  const created = await request<PaidSession>(`${world.url}/api/sessions`, {
    token: host.accessToken,
    body: { title: 'Paid talk' },
  })
  if (created.status !== 201) throw new Error(`create: ${JSON.stringify(created.body)}`)
  const set = await request(`${world.url}/api/sessions/${created.body.id}/settings`, {
    method: 'PATCH',
    token: created.body.hostToken,
    body: { ticket },
  })
  if (set.status !== 200) throw new Error(`ticket: ${JSON.stringify(set.body)}`)
  return { host, session: created.body }
}

/** The Checkout Session id in a checkout URL the stand-in made. */
export function checkoutIdOf(checkoutUrl: string): string {
  return checkoutUrl.split('/').pop()!
}
