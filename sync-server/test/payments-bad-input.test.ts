import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInClient, signInByEmail } from '../../test-support/accounts.ts'
import { startInbox } from '../../test-support/mail.ts'
import {
  buyProPlan,
  deliver,
  type PaymentsWorld,
  paidSession,
  startPaymentsWorld,
} from '../../test-support/payments.ts'
import { request, startPodium } from '../../test-support/podium.ts'
import { STRIPE_WEBHOOK_SECRET } from '../../test-support/stripe.ts'

// Section 6 of the payments issue: each bad input gets a clear answer and writes nothing
// it should not. And a server without Stripe keys hides paid features and answers 501.

describe('a server without Stripe keys', () => {
  it('hides paid features and answers 501 "payments are not configured"', async () => {
    const inbox = await startInbox()
    const podium = await startPodium({ SMTP_URL: inbox.url })
    try {
      const url = podium.url
      expect((await request(`${url}/api/billing`)).body).toEqual({ payments: false, plans: [] })
      const host = await signInByEmail(url, inbox, 'plain@example.org')
      const session = await request<{ id: string; code: string; hostToken: string }>(
        `${url}/api/sessions`,
        { token: host.accessToken, body: { title: 'Free' } },
      )
      expect((await request(`${url}/api/tickets?code=${session.body.code}`)).body).toEqual({
        payments: false,
        ticket: null,
        held: false,
        checkout: null,
      })
      const info = await request<{ settings: Record<string, unknown> }>(
        `${url}/api/sessions/${session.body.id}`,
        { token: session.body.hostToken },
      )
      expect(info.body.settings).not.toHaveProperty('ticket')
      const calls = [
        request(`${url}/api/stripe/webhook`, { body: '{}', headers: { 'stripe-signature': 'x' } }),
        request(`${url}/api/sessions/${session.body.id}/checkout`, {
          token: host.accessToken,
          body: {},
        }),
        request(`${url}/api/sessions/${session.body.id}/settings`, {
          method: 'PATCH',
          token: session.body.hostToken,
          body: { ticket: { amount: 1000, currency: 'eur' } },
        }),
        request(`${url}/api/billing/portal`, { token: host.accessToken, body: {} }),
        request(`${url}/api/billing/plan`, { token: host.accessToken }),
      ]
      for (const answer of await Promise.all(calls)) {
        expect(answer.status).toBe(501)
        expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/)
        expect((answer.body as { detail: string }).detail).toMatch(/^payments are not configured/)
      }
      // Free sessions work as before.
      const joined = await request(`${url}/api/join`, { body: { code: session.body.code } })
      expect(joined.status).toBe(200)
    } finally {
      await podium.close()
      await inbox.close()
    }
  })
})

describe('bad input to payments', () => {
  let world: PaymentsWorld
  let host: SignedInClient
  let session: { id: string; code: string; hostToken: string }
  const events = () =>
    world.podium.podium.services.db.kysely.selectFrom('stripe_events').selectAll().execute()

  beforeAll(async () => {
    world = await startPaymentsWorld()
    ;({ host, session } = await paidSession(world, 'host-bad@example.org', {
      amount: 1000,
      currency: 'eur',
      capacity: 1,
    }))
  }, 60_000)

  afterAll(async () => {
    await world?.close()
  })

  describe('webhooks', () => {
    const checkout = () => ({
      id: 'cs_test_forged',
      object: 'checkout.session',
      mode: 'payment',
      payment_status: 'paid',
      metadata: { session_id: session.id, account_id: host.accountId },
    })

    it('refuses a forged signature and writes nothing', async () => {
      const before = (await events()).length
      const event = world.stripe.event('checkout.session.completed', checkout())
      const forged = event.header.replace(/v1=[0-9a-f]+/, `v1=${'0'.repeat(64)}`)
      const answer = await deliver(world.url, { payload: event.payload, header: forged })
      expect(answer.status).toBe(400)
      expect((answer.body as unknown as { detail: string }).detail).toMatch(
        /signature does not match this body and the webhook secret/,
      )
      expect(await events()).toHaveLength(before)
    })

    it('refuses a body signed with another secret', async () => {
      const before = (await events()).length
      const event = world.stripe.event('checkout.session.completed', checkout(), {
        secret: `${STRIPE_WEBHOOK_SECRET}x`,
      })
      expect((await deliver(world.url, event)).status).toBe(400)
      expect(await events()).toHaveLength(before)
    })

    it('refuses a stale timestamp, saying Stripe retries', async () => {
      const before = (await events()).length
      const event = world.stripe.event('checkout.session.completed', checkout(), {
        timestamp: Math.floor(Date.now() / 1000) - 600,
      })
      const answer = await deliver(world.url, event)
      expect(answer.status).toBe(400)
      expect((answer.body as unknown as { detail: string }).detail).toMatch(/too old/)
      expect(await events()).toHaveLength(before)
    })

    it('refuses a tampered body', async () => {
      const before = (await events()).length
      const event = world.stripe.event('checkout.session.completed', checkout())
      const tampered = event.payload.replace('"paid"', '"no_payment_required"')
      expect(tampered).not.toBe(event.payload)
      expect((await deliver(world.url, { payload: tampered, header: event.header })).status).toBe(
        400,
      )
      const missing = await request(`${world.url}/api/stripe/webhook`, { body: event.payload })
      expect(missing.status).toBe(400)
      expect((missing.body as { detail: string }).detail).toMatch(
        /Stripe-Signature header is missing/,
      )
      expect(await events()).toHaveLength(before)
    })

    it('stores an unknown event type and ignores it', async () => {
      const event = world.stripe.event('customer.tax_id.created', { id: 'txi_1' })
      const answer = await deliver(world.url, event)
      expect(answer.status).toBe(200)
      expect(answer.body).toMatchObject({ received: true, handled: false, duplicate: false })
      const row = (await events()).find((e) => e.id === event.id)
      expect(row).toMatchObject({ type: 'customer.tax_id.created', status: 'ignored' })
    })
  })

  describe('ticket prices', () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['a price of 0', { amount: 0, currency: 'eur' }, /must be more than 0/],
      ['a negative price', { amount: -500, currency: 'eur' }, /must be more than 0/],
      ['an unknown currency', { amount: 500, currency: 'xyz' }, /XYZ is not a currency/],
      ['a fraction of a cent', { amount: 10.5, currency: 'eur' }, /whole number/],
      ['a three-decimal amount not ending in 0', { amount: 1005, currency: 'kwd' }, /end in 0/],
      ['less than Stripe charges', { amount: 20, currency: 'usd' }, /at least \$0\.50/],
      ['an extra price of 0', { amount: 500, currency: 'eur', prices: { usd: 0 } }, /prices\.usd/],
      [
        'a sales window that ends before it starts',
        { amount: 500, currency: 'eur', salesStart: 2_000, salesEnd: 1_000 },
        /sales must end after they start/,
      ],
      ['a capacity of 0', { amount: 500, currency: 'eur', capacity: 0 }, /at least 1 seat/],
    ]
    for (const [name, ticket, message] of cases) {
      it(`refuses ${name} and keeps the price`, async () => {
        const answer = await request<{ detail: string }>(
          `${world.url}/api/sessions/${session.id}/settings`,
          { method: 'PATCH', token: session.hostToken, body: { ticket } },
        )
        expect(answer.status).toBe(400)
        expect(answer.body.detail).toMatch(message)
        const offer = await request<{ ticket: { amount: number; currency: string } }>(
          `${world.url}/api/tickets?code=${session.code}`,
        )
        expect(offer.body.ticket).toMatchObject({ amount: 1000, currency: 'eur' })
      })
    }

    it('takes zero-decimal and three-decimal currencies as Stripe counts them', async () => {
      const other = await request<{ id: string; code: string; hostToken: string }>(
        `${world.url}/api/sessions`,
        { token: host.accessToken, body: { title: 'Yen' } },
      )
      const set = await request<{ ticket: Record<string, unknown> }>(
        `${world.url}/api/sessions/${other.body.id}/settings`,
        {
          method: 'PATCH',
          token: other.body.hostToken,
          body: { ticket: { amount: 1500, currency: 'JPY', prices: { kwd: 5250 } } },
        },
      )
      expect(set.status).toBe(200)
      expect(set.body.ticket).toMatchObject({
        amount: 1500,
        currency: 'jpy',
        prices: { kwd: 5250 },
      })
    })

    it('shows analytics only as far back as the plan keeps them', async () => {
      const day = 24 * 60 * 60 * 1000
      const base = `${world.url}/api/sessions/${session.id}/analytics`
      const within = await request(`${base}?from=${Date.now() - 300 * day}`, {
        token: session.hostToken,
      })
      expect(within.status).toBe(200)
      const before = await request<{ detail: string }>(`${base}?from=${Date.now() - 400 * day}`, {
        token: session.hostToken,
      })
      expect(before.status).toBe(403)
      expect(before.body.detail).toMatch(
        /The pro plan shows 365 days of analytics, and this report starts earlier\. The event plan lifts/,
      )
    })

    it('admits as many attendees as the free plan allows, then names the plan that lifts it', async () => {
      const guestHosted = await request<{ id: string; code: string; hostToken: string }>(
        `${world.url}/api/sessions`,
        { body: { title: 'Free plan' } },
      )
      const join = () =>
        request<{ detail: string }>(`${world.url}/api/join`, {
          body: { code: guestHosted.body.code },
        })
      for (let i = 0; i < 100; i += 10) {
        const batch = await Promise.all(Array.from({ length: 10 }, join))
        expect(batch.map((b) => b.status)).toEqual(Array(10).fill(200))
      }
      const full = await join()
      expect(full.status).toBe(403)
      expect(full.body.detail).toMatch(
        /The free plan admits 100 attendees per session, and this session has them\. The pro plan lifts/,
      )
    })

    it('needs a plan that sells tickets, and names it', async () => {
      const plain = await signInByEmail(world.url, world.inbox, 'no-plan@example.org')
      const created = await request<{ id: string; hostToken: string }>(
        `${world.url}/api/sessions`,
        { token: plain.accessToken, body: { title: 'No plan' } },
      )
      const answer = await request<{ detail: string }>(
        `${world.url}/api/sessions/${created.body.id}/settings`,
        {
          method: 'PATCH',
          token: created.body.hostToken,
          body: { ticket: { amount: 1000, currency: 'eur' } },
        },
      )
      expect(answer.status).toBe(403)
      expect(answer.body.detail).toMatch(/The free plan does not sell tickets\. The pro plan lifts/)
    })
  })

  describe('checkout', () => {
    it('refuses a free session', async () => {
      const free = await request<{ id: string }>(`${world.url}/api/sessions`, {
        token: host.accessToken,
        body: { title: 'Free talk' },
      })
      const answer = await request<{ detail: string }>(
        `${world.url}/api/sessions/${free.body.id}/checkout`,
        { token: host.accessToken, body: {} },
      )
      expect(answer.status).toBe(409)
      expect(answer.body.detail).toMatch(/This session is free/)
    })

    it('refuses sales that have closed, and an ended session', async () => {
      const made = await request<{ id: string; hostToken: string }>(`${world.url}/api/sessions`, {
        token: host.accessToken,
        body: { title: 'Closed' },
      })
      const base = `${world.url}/api/sessions/${made.body.id}`
      await request(`${base}/settings`, {
        method: 'PATCH',
        token: made.body.hostToken,
        body: {
          ticket: { amount: 1000, currency: 'eur', salesStart: 1_000, salesEnd: Date.now() - 1 },
        },
      })
      const buyer = await signInByEmail(world.url, world.inbox, 'late@example.org')
      const closed = await request<{ detail: string }>(`${base}/checkout`, {
        token: buyer.accessToken,
        body: {},
      })
      expect(closed.status).toBe(409)
      expect(closed.body.detail).toBe('Ticket sales for this session are closed.')
      await request(`${base}/status`, { token: made.body.hostToken, body: { status: 'ended' } })
      const ended = await request<{ detail: string }>(`${base}/checkout`, {
        token: buyer.accessToken,
        body: {},
      })
      expect(ended.status).toBe(409)
      expect(ended.body.detail).toMatch(/has ended/)
      const held = await world.podium.podium.services.db.kysely
        .selectFrom('ticket_reservations')
        .selectAll()
        .where('session_id', '=', made.body.id)
        .execute()
      expect(held).toEqual([])
    })

    it('sells the last seat once when two buyers ask at the same time', async () => {
      const a = await signInByEmail(world.url, world.inbox, 'first@example.org')
      const b = await signInByEmail(world.url, world.inbox, 'second@example.org')
      const answers = await Promise.all(
        [a, b].map((buyer) =>
          request<{ url?: string; detail?: string }>(
            `${world.url}/api/sessions/${session.id}/checkout`,
            { token: buyer.accessToken, body: {} },
          ),
        ),
      )
      expect(answers.map((x) => x.status).sort()).toEqual([200, 409])
      const refused = answers.find((x) => x.status === 409)!
      expect(refused.body.detail).toMatch(/^The session is full/)
      const offer = await request<{ ticket: { seatsLeft: number; sales: string } }>(
        `${world.url}/api/tickets?code=${session.code}`,
      )
      expect(offer.body.ticket).toMatchObject({ seatsLeft: 0, sales: 'sold-out' })
    })

    it('says in words when Stripe refuses, and frees the seat it held', async () => {
      const made = await request<{ id: string; hostToken: string }>(`${world.url}/api/sessions`, {
        token: host.accessToken,
        body: { title: 'Key' },
      })
      await request(`${world.url}/api/sessions/${made.body.id}/settings`, {
        method: 'PATCH',
        token: made.body.hostToken,
        body: { ticket: { amount: 1000, currency: 'eur', capacity: 1 } },
      })
      world.stripe.failNext('/v1/checkout/sessions', {
        status: 401,
        type: 'invalid_request_error',
        message: 'Invalid API Key provided',
      })
      const buyer = await signInByEmail(world.url, world.inbox, 'unlucky@example.org')
      const answer = await request<{ detail: string }>(
        `${world.url}/api/sessions/${made.body.id}/checkout`,
        { token: buyer.accessToken, body: {} },
      )
      expect(answer.status).toBe(502)
      expect(answer.body.detail).toMatch(/Stripe refused this server's API key/)
      const again = await request(`${world.url}/api/sessions/${made.body.id}/checkout`, {
        token: buyer.accessToken,
        body: {},
      })
      expect(again.status).toBe(200)
    })
  })

  describe('refunds and plans', () => {
    it('refuses to refund a comp ticket, and an unknown one', async () => {
      const comp = await request<{ id: string }>(
        `${world.url}/api/sessions/${session.id}/tickets`,
        {
          token: session.hostToken,
          body: { email: 'comp-bad@example.org' },
        },
      )
      const refund = await request<{ detail: string }>(
        `${world.url}/api/sessions/${session.id}/tickets/${comp.body.id}/refund`,
        { token: session.hostToken, body: {} },
      )
      expect(refund.status).toBe(409)
      expect(refund.body.detail).toMatch(/not paid for/)
      const unknown = await request(
        `${world.url}/api/sessions/${session.id}/tickets/nosuchticket/refund`,
        { token: session.hostToken, body: {} },
      )
      expect(unknown.status).toBe(404)
      const bad = await request(
        `${world.url}/api/sessions/${session.id}/tickets/${comp.body.id}/refund`,
        { token: session.hostToken, body: { amount: -1 } },
      )
      expect(bad.status).toBe(400)
    })

    it('keeps a plan through a failed renewal for the grace period, and mails the host', async () => {
      const owner = await signInByEmail(world.url, world.inbox, 'renew@example.org')
      await buyProPlan(world, owner)
      const row = await world.podium.podium.services.db.kysely
        .selectFrom('host_plans')
        .selectAll()
        .where('account_id', '=', owner.accountId)
        .executeTakeFirstOrThrow()
      const invoice = { id: 'in_test_failed', object: 'invoice', customer: row.customer_id }
      await deliver(world.url, world.stripe.event('invoice.payment_failed', invoice))
      const mail = await world.inbox.next('renew@example.org')
      expect(mail.subject).toBe('The payment for your Podium pro plan failed')
      const plan = await request<{ plan: string; graceUntil: number }>(
        `${world.url}/api/billing/plan`,
        { token: owner.accessToken },
      )
      expect(plan.body.plan).toBe('pro')
      expect(plan.body.graceUntil).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000)
      const portal = await request<{ url: string }>(`${world.url}/api/billing/portal`, {
        token: owner.accessToken,
        body: {},
      })
      expect(portal.status).toBe(200)
      expect(portal.body.url).toMatch(/\/p\/session\/bps_/)
      const yearly = await request<{ detail: string }>(`${world.url}/api/billing/checkout`, {
        token: owner.accessToken,
        body: { plan: 'pro', interval: 'yearly' },
      })
      expect(yearly.status).toBe(409)
      expect(yearly.body.detail).toMatch(/STRIPE_PRICE_PRO_YEARLY/)
    })
  })
})
