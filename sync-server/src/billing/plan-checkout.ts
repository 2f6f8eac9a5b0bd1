import { HttpProblem } from '@podium/shared/server'
import type Stripe from 'stripe'
import type { Account } from '../auth/accounts.ts'
import type { Db } from '../db/connect.ts'
import type { PaymentsConfig } from './config.ts'
import type { Plan } from './plans.ts'
import { stripeProblem } from './stripe.ts'

/** The account's Stripe customer, made on first need and kept. */
export async function customerOf(db: Db, stripe: Stripe, account: Account, now: number) {
  const row = await db.kysely
    .selectFrom('host_plans')
    .select('customer_id')
    .where('account_id', '=', account.id)
    .executeTakeFirst()
  if (row?.customer_id) return row.customer_id
  let customer: Stripe.Customer
  try {
    customer = await stripe.customers.create(
      { email: account.email, metadata: { account_id: account.id } },
      { idempotencyKey: `customer-${account.id}` },
    )
  } catch (error) {
    throw stripeProblem(error, 'making your customer record')
  }
  if (row)
    await db.kysely
      .updateTable('host_plans')
      .set({ customer_id: customer.id, updated_at: now })
      .where('account_id', '=', account.id)
      .execute()
  else
    await db.kysely
      .insertInto('host_plans')
      .values({
        account_id: account.id,
        customer_id: customer.id,
        subscription_id: null,
        plan: 'free',
        status: 'none',
        period_end: null,
        grace_until: null,
        stripe_updated: 0,
        updated_at: now,
      })
      .execute()
  return customer.id
}

/** A Checkout Session in subscription mode for a plan's monthly or yearly Price. */
export async function planCheckout(
  db: Db,
  stripe: Stripe,
  payments: PaymentsConfig,
  input: {
    account: Account
    plan: Exclude<Plan, 'free'>
    interval: 'monthly' | 'yearly'
    baseUrl: string
    now: number
  },
): Promise<string> {
  const price = payments.prices[input.plan]?.[input.interval]
  if (!price)
    throw HttpProblem.conflict(
      `The ${input.plan} plan is not sold ${input.interval} on this server: its operator sets STRIPE_PRICE_${input.plan.toUpperCase()}${input.interval === 'yearly' ? '_YEARLY' : ''}.`,
    )
  const customer = await customerOf(db, stripe, input.account, input.now)
  const metadata = { account_id: input.account.id, plan: input.plan }
  try {
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer,
      client_reference_id: input.account.id,
      line_items: [{ price, quantity: 1 }],
      metadata,
      subscription_data: { metadata },
      allow_promotion_codes: true,
      ...(payments.automaticTax ? { automatic_tax: { enabled: true } } : {}),
      success_url: `${input.baseUrl}/account?billing=success`,
      cancel_url: `${input.baseUrl}/account?billing=cancelled`,
    })
    if (!session.url) throw new Error('no url')
    return session.url
  } catch (error) {
    throw stripeProblem(error, 'opening the plan checkout')
  }
}

/** A Customer Portal session, where hosts change or cancel their plan and card. */
export async function portalSession(
  db: Db,
  stripe: Stripe,
  account: Account,
  returnUrl: string,
  now: number,
): Promise<string> {
  const customer = await customerOf(db, stripe, account, now)
  try {
    const session = await stripe.billingPortal.sessions.create({ customer, return_url: returnUrl })
    return session.url
  } catch (error) {
    throw stripeProblem(error, 'opening the billing portal')
  }
}
