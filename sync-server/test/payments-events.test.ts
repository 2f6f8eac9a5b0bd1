import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInClient, signInByEmail } from '../../test-support/accounts.ts'
import {
  buyProPlan,
  checkoutIdOf,
  deliver,
  type PaymentsWorld,
  paidSession,
  startPaymentsWorld,
  until,
} from '../../test-support/payments.ts'
import { request } from '../../test-support/podium.ts'
import { backoffMs, MAX_ATTEMPTS } from '../src/billing/webhooks.ts'
import { scrape } from './helpers/metrics-text.ts'

// The webhook events beyond the checkout's happy path: a bank debit that settles later,
// a dispute, subscriptions that change and end (also out of order), and an event whose
// handling fails, which stays queued to be tried again.

describe('Stripe events', () => {
  let world: PaymentsWorld
  let session: { id: string; code: string; hostToken: string }
  let host: SignedInClient
  const db = () => world.podium.podium.services.db.kysely
  const eventRow = (id: string) =>
    db().selectFrom('stripe_events').selectAll().where('id', '=', id).executeTakeFirst()

  beforeAll(async () => {
    world = await startPaymentsWorld()
    ;({ host, session } = await paidSession(world, 'host-events@example.org', {
      amount: 2500,
      currency: 'gbp',
    }))
  }, 60_000)

  afterAll(async () => {
    await world?.close()
  })

  async function bought(email: string, options: { async?: boolean } = {}) {
    const buyer = await signInByEmail(world.url, world.inbox, email)
    const opened = await request<{ url: string }>(
      `${world.url}/api/sessions/${session.id}/checkout`,
      { token: buyer.accessToken, body: {} },
    )
    const completed = world.stripe.complete(checkoutIdOf(opened.body.url), options)
    return { buyer, completed }
  }
  const joinStatus = async (token: string) =>
    (await request(`${world.url}/api/join`, { token, body: { code: session.code } })).status

  it('admits a bank debit only once it has settled', async () => {
    const { buyer, completed } = await bought('debit@example.org', { async: true })
    const first = world.stripe.event('checkout.session.completed', completed)
    await deliver(world.url, first)
    await until(async () => (await eventRow(first.id))?.status === 'done', 'the completion')
    const pending = await db()
      .selectFrom('tickets')
      .select('status')
      .where('checkout_session_id', '=', completed.id)
      .executeTakeFirstOrThrow()
    expect(pending.status).toBe('pending')
    expect(await joinStatus(buyer.accessToken)).toBe(402)
    await deliver(
      world.url,
      world.stripe.event('checkout.session.async_payment_succeeded', {
        ...completed,
        payment_status: 'paid',
      }),
    )
    await until(async () => (await joinStatus(buyer.accessToken)) === 200, 'the settled ticket')
    const receipt = await world.inbox.next('debit@example.org')
    expect(receipt.subject).toMatch(/Your ticket/)
  })

  it('revokes a ticket whose debit failed, even when the failure comes first', async () => {
    const { buyer, completed } = await bought('failed-debit@example.org', { async: true })
    const failed = world.stripe.event('checkout.session.async_payment_failed', completed)
    const done = world.stripe.event('checkout.session.completed', completed)
    await deliver(world.url, failed)
    await deliver(world.url, done)
    await until(async () => (await eventRow(done.id))?.status === 'done', 'the completion')
    const row = await db()
      .selectFrom('tickets')
      .selectAll()
      .where('checkout_session_id', '=', completed.id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'revoked', revoked_reason: 'payment-failed' })
    expect(await joinStatus(buyer.accessToken)).toBe(402)
  })

  it('revokes a disputed ticket and reports the dispute', async () => {
    const { buyer, completed } = await bought('dispute@example.org')
    await deliver(world.url, world.stripe.event('checkout.session.completed', completed))
    await until(async () => (await joinStatus(buyer.accessToken)) === 200, 'the ticket')
    await deliver(
      world.url,
      world.stripe.event('charge.dispute.created', {
        id: 'dp_test_1',
        object: 'dispute',
        charge: 'ch_x',
        payment_intent: completed.payment_intent,
        amount: 2500,
        currency: 'gbp',
        reason: 'fraudulent',
      }),
    )
    await until(async () => (await joinStatus(buyer.accessToken)) === 402, 'the revocation')
    const report = await request<{ currencies: Array<{ currency: string; disputes: number }> }>(
      `${world.url}/api/sessions/${session.id}/sales`,
      { token: session.hostToken },
    )
    expect(report.body.currencies.find((c) => c.currency === 'gbp')?.disputes).toBe(2500)
  })

  it('follows the subscription: an older update changes nothing, deletion ends the plan', async () => {
    const owner = await signInByEmail(world.url, world.inbox, 'subscriber@example.org')
    await buyProPlan(world, owner)
    const subscription = [...world.stripe.subscriptions.values()].find(
      (s) => s.metadata.account_id === owner.accountId,
    )!
    const plan = async () =>
      (
        await request<{ plan: string; status: string }>(`${world.url}/api/billing/plan`, {
          token: owner.accessToken,
        })
      ).body
    const now = Math.floor(Date.now() / 1000)
    const stale = world.stripe.event(
      'customer.subscription.updated',
      { ...subscription, status: 'canceled' },
      { created: now - 3600 },
    )
    await deliver(world.url, stale)
    await until(async () => (await eventRow(stale.id))?.status === 'done', 'the stale update')
    expect(await plan()).toMatchObject({ plan: 'pro', status: 'active' })
    await deliver(
      world.url,
      world.stripe.event('customer.subscription.deleted', { ...subscription, status: 'canceled' }),
    )
    await until(async () => (await plan()).plan === 'free', 'the plan ended')
    expect((await plan()).status).toBe('canceled')
  })

  it('answers 2xx at once and keeps an event whose handling fails, to try again', async () => {
    const broken = world.stripe.event('customer.subscription.updated', {
      id: 'sub_broken',
      object: 'subscription',
      customer: (
        await db()
          .selectFrom('host_plans')
          .select('customer_id')
          .where('account_id', '=', host.accountId)
          .executeTakeFirstOrThrow()
      ).customer_id,
      status: 'active',
      metadata: { account_id: host.accountId },
    })
    expect((await deliver(world.url, broken)).status).toBe(200)
    const row = await until(async () => {
      const r = await eventRow(broken.id)
      return r?.last_error ? r : undefined
    }, 'the failed attempt')
    expect(row.status).toBe('queued')
    expect(row.attempts).toBeGreaterThanOrEqual(1)
    expect(Number(row.next_attempt_at)).toBeGreaterThan(Date.now() - 1000)
    expect([1, 2, 3, 10, 20].map(backoffMs)).toEqual([1000, 2000, 4000, 512_000, 600_000])
    expect(MAX_ATTEMPTS).toBe(8)

    // The operator sees it on /metrics: the failure, the event waiting, and a forged
    // request refused before anything was stored.
    const forged = world.stripe.event(
      'invoice.paid',
      { id: 'in_forged' },
      { secret: 'whsec_not_ours' },
    )
    expect((await deliver(world.url, forged)).status).toBe(400)
    const samples = await scrape(world.url)
    const value = (name: string, labels: Record<string, string>) =>
      samples.find(
        (m) => m.name === name && Object.entries(labels).every(([k, v]) => m.labels[k] === v),
      )?.value
    expect(
      value('podium_stripe_webhook_failures_total', { outcome: 'retried' }),
    ).toBeGreaterThanOrEqual(1)
    expect(value('podium_stripe_events', { status: 'queued' })).toBeGreaterThanOrEqual(1)
    expect(value('podium_stripe_events', { status: 'failed' })).toBe(0)
    expect(value('podium_stripe_webhook_refused_total', { reason: 'signature' })).toBe(1)
  })
})
