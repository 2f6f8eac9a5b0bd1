import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInByEmail } from '../../test-support/accounts.ts'
import {
  checkoutIdOf,
  deliver,
  type PaidSession,
  type PaymentsWorld,
  paidSession,
  startPaymentsWorld,
  until,
} from '../../test-support/payments.ts'
import { request } from '../../test-support/podium.ts'
import { createTestSchema, type TestSchema } from '../../test-support/postgres.ts'
import { chargeOf } from '../../test-support/stripe.ts'

// Paid sessions end to end over HTTP, on SQLite and on Postgres: the real Stripe SDK in
// Podium talks to the wire-level stand-in; webhooks are signed with the SDK's own test
// header. The same promises hold on both databases.

const backends = {
  sqlite: async () => ({ env: {}, drop: async () => {} }),
  postgres: async () => {
    const schema: TestSchema = await createTestSchema()
    return {
      env: { DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema },
      drop: () => schema.drop(),
    }
  },
}

for (const [kind, backend] of Object.entries(backends)) {
  describe(`paid sessions on ${kind}`, () => {
    let world: PaymentsWorld
    let session: PaidSession
    let drop: () => Promise<void>
    const db = () => world.podium.podium.services.db.kysely
    const tickets = (sessionId: string) =>
      db().selectFrom('tickets').selectAll().where('session_id', '=', sessionId).execute()

    beforeAll(async () => {
      const made = await backend()
      drop = made.drop
      world = await startPaymentsWorld(made.env)
      ;({ session } = await paidSession(world, `host-${kind}@example.org`, {
        amount: 1500,
        currency: 'EUR',
        capacity: 10,
        prices: { usd: 1700 },
      }))
    }, 60_000)

    afterAll(async () => {
      await world?.close()
      await drop?.()
    })

    /** A buyer signs in and opens Checkout; the stand-in's session is returned. */
    async function openCheckout(email: string, body: Record<string, unknown> = {}) {
      const buyer = await signInByEmail(world.url, world.inbox, email)
      const opened = await request<{ url: string }>(
        `${world.url}/api/sessions/${session.id}/checkout`,
        { token: buyer.accessToken, body },
      )
      expect(opened.status, JSON.stringify(opened.body)).toBe(200)
      return { buyer, checkout: world.stripe.checkoutSessions.get(checkoutIdOf(opened.body.url))! }
    }

    const joinAs = (token: string) =>
      request<{ token: string; detail: string }>(`${world.url}/api/join`, {
        token,
        body: { code: session.code },
      })

    it('shows the price and the seats left to the join page', async () => {
      const offer = await request<{ payments: boolean; ticket: Record<string, unknown> }>(
        `${world.url}/api/tickets?code=${session.code}`,
      )
      expect(offer.body).toMatchObject({
        payments: true,
        ticket: {
          amount: 1500,
          currency: 'eur',
          prices: { usd: 1700 },
          capacity: 10,
          seatsLeft: 10,
          sales: 'open',
        },
      })
    })

    it('answers 402 naming the checkout route to a signed-in attendee without a ticket', async () => {
      const buyer = await signInByEmail(world.url, world.inbox, `nobody-${kind}@example.org`)
      const refused = await joinAs(buyer.accessToken)
      expect(refused.status).toBe(402)
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/)
      expect(refused.body.detail).toContain(`POST /api/sessions/${session.id}/checkout`)
      const guest = await request<{ detail: string }>(`${world.url}/api/join`, {
        body: { code: session.code },
      })
      expect(guest.status).toBe(402)
      expect(guest.body.detail).toMatch(/Sign in/)
    })

    it('opens Checkout with the parameters Stripe is given, and holds a seat', async () => {
      const { buyer, checkout } = await openCheckout(`ada-${kind}@example.org`)
      const sent = world.stripe.requests.find(
        (r) =>
          r.path === '/v1/checkout/sessions' && r.params.client_reference_id === buyer.accountId,
      )!
      expect(sent.params).toMatchObject({
        mode: 'payment',
        customer_email: `ada-${kind}@example.org`,
        client_reference_id: buyer.accountId,
        metadata: { session_id: session.id, account_id: buyer.accountId },
        allow_promotion_codes: 'true',
        tax_id_collection: { enabled: 'true' },
        line_items: [{ quantity: '1', price_data: { currency: 'eur', unit_amount: '1500' } }],
      })
      expect(sent.params.automatic_tax).toBeUndefined()
      expect(String(sent.params.success_url)).toMatch(
        new RegExp(`/j/${session.code}\\?checkout=success$`),
      )
      expect(String(sent.params.cancel_url)).toMatch(
        new RegExp(`/j/${session.code}\\?checkout=cancelled$`),
      )
      expect(checkout.amount_total).toBe(1500)
      const offer = await request<{ ticket: { seatsLeft: number } }>(
        `${world.url}/api/tickets?code=${session.code}`,
      )
      expect(offer.body.ticket.seatsLeft).toBe(9)
    })

    it('sells in an extra currency, and refuses one it is not priced in', async () => {
      const { checkout } = await openCheckout(`usd-${kind}@example.org`, { currency: 'USD' })
      expect(checkout).toMatchObject({ currency: 'usd', amount_total: 1700 })
      const buyer = await signInByEmail(world.url, world.inbox, `gbp-${kind}@example.org`)
      const refused = await request<{ detail: string }>(
        `${world.url}/api/sessions/${session.id}/checkout`,
        { token: buyer.accessToken, body: { currency: 'gbp' } },
      )
      expect(refused.status).toBe(400)
      expect(refused.body.detail).toMatch(/not sold in GBP: choose one of EUR, USD/)
    })

    it('makes one ticket of the same completion delivered three times, and mails a receipt', async () => {
      const { buyer, checkout } = await openCheckout(`grace-${kind}@example.org`)
      const completed = world.stripe.complete(checkout.id)
      const event = world.stripe.event('checkout.session.completed', completed)
      const answers = await Promise.all([1, 2, 3].map(() => deliver(world.url, event)))
      for (const answer of answers) expect(answer.status).toBe(200)
      expect(answers.filter((a) => a.body.duplicate)).toHaveLength(2)
      const joined = await until(async () => {
        const res = await joinAs(buyer.accessToken)
        return res.status === 200 ? res : undefined
      }, 'the ticket')
      expect(joined.body.token).toBeTruthy()
      const mine = (await tickets(session.id)).filter((t) => t.checkout_session_id === checkout.id)
      expect(mine).toHaveLength(1)
      expect(mine[0]).toMatchObject({ status: 'active', amount: 1500, currency: 'eur' })
      const receipt = await world.inbox.next(`grace-${kind}@example.org`)
      expect(receipt.subject).toBe('Your ticket for "Paid talk"')
      expect(receipt.text).toContain('€15.00')
      const offer = await request<{ held: boolean }>(
        `${world.url}/api/tickets?code=${session.code}`,
        {
          token: buyer.accessToken,
        },
      )
      expect(offer.body.held).toBe(true)
      await deliver(world.url, event)
      expect(
        (await tickets(session.id)).filter((t) => t.checkout_session_id === checkout.id),
      ).toHaveLength(1)
    })

    it('revokes a ticket whose refund Stripe confirmed before the payment', async () => {
      const { buyer, checkout } = await openCheckout(`early-${kind}@example.org`)
      const completed = world.stripe.complete(checkout.id)
      const charge = chargeOf(world.stripe, completed)
      charge.amount_refunded = charge.amount
      charge.refunded = true
      const refunded = world.stripe.event('charge.refunded', charge)
      const paid = world.stripe.event('checkout.session.completed', completed)
      expect((await deliver(world.url, refunded)).status).toBe(200)
      expect((await deliver(world.url, paid)).status).toBe(200)
      const ticket = await until(async () => {
        const row = (await tickets(session.id)).find((t) => t.checkout_session_id === checkout.id)
        return row ?? undefined
      }, 'the ticket row')
      await until(async () => {
        const [row] = await db()
          .selectFrom('stripe_events')
          .select('status')
          .where('id', '=', paid.id)
          .execute()
        return row?.status === 'done'
      }, 'the completion handled')
      const after = (await tickets(session.id)).find((t) => t.id === ticket.id)!
      expect(after).toMatchObject({ status: 'revoked', revoked_reason: 'refunded' })
      expect((await joinAs(buyer.accessToken)).status).toBe(402)
    })

    it('refunds from the host console; the ticket is revoked when Stripe confirms', async () => {
      const { buyer, checkout } = await openCheckout(`bob-${kind}@example.org`)
      const completed = world.stripe.complete(checkout.id)
      await deliver(world.url, world.stripe.event('checkout.session.completed', completed))
      const ticket = await until(async () => {
        const row = (await tickets(session.id)).find(
          (t) => t.checkout_session_id === checkout.id && t.status === 'active',
        )
        return row ?? undefined
      }, 'the active ticket')
      const tooMuch = await request<{ detail: string }>(
        `${world.url}/api/sessions/${session.id}/tickets/${ticket.id}/refund`,
        { token: session.hostToken, body: { amount: 1501 } },
      )
      expect(tooMuch.status).toBe(400)
      expect(tooMuch.body.detail).toMatch(/larger than what is left of the charge \(€15\.00\)/)
      const refund = await request<{ refund: { amount: number } }>(
        `${world.url}/api/sessions/${session.id}/tickets/${ticket.id}/refund`,
        { token: session.hostToken, body: { amount: 500 } },
      )
      expect(refund.status).toBe(202)
      expect(refund.body.refund.amount).toBe(500)
      // Not yet confirmed: the holder is still in.
      expect((await joinAs(buyer.accessToken)).status).toBe(200)
      const charge = chargeOf(world.stripe, completed)
      expect(charge.amount_refunded).toBe(500)
      await deliver(world.url, world.stripe.event('charge.refunded', charge))
      await until(async () => (await joinAs(buyer.accessToken)).status === 402, 'revocation')
      const list = await request<{
        tickets: Array<{ id: string; status: string }>
        refunds: unknown[]
      }>(`${world.url}/api/sessions/${session.id}/tickets`, { token: session.hostToken })
      expect(list.body.tickets.find((t) => t.id === ticket.id)?.status).toBe('revoked')
      expect(list.body.refunds).toContainEqual(
        expect.objectContaining({ ticketId: ticket.id, amount: 500, status: 'succeeded' }),
      )
    })

    it('gives a comp ticket by e-mail that admits its address without paying', async () => {
      const comp = await request<{ id: string }>(
        `${world.url}/api/sessions/${session.id}/tickets`,
        {
          token: session.hostToken,
          body: { email: `Guest-${kind}@Example.org` },
        },
      )
      expect(comp.status).toBe(201)
      const mail = await world.inbox.next(`guest-${kind}@example.org`)
      expect(mail.text).toContain('a free ticket from the host')
      const guest = await signInByEmail(world.url, world.inbox, `guest-${kind}@example.org`)
      expect((await joinAs(guest.accessToken)).status).toBe(200)
    })

    it('reports sales by currency, exports them, and agrees with Stripe', async () => {
      const report = await request<{ comps: number; currencies: unknown[] }>(
        `${world.url}/api/sessions/${session.id}/sales`,
        { token: session.hostToken },
      )
      expect(report.body.comps).toBe(1)
      expect(report.body.currencies).toEqual([
        { currency: 'eur', tickets: 3, gross: 4500, refunds: 2000, disputes: 0, net: 2500 },
      ])
      const csv = await request<string>(`${world.url}/api/sessions/${session.id}/sales.csv`, {
        token: session.hostToken,
      })
      expect(csv.headers.get('content-type')).toMatch(/text\/csv/)
      const lines = csv.body.trim().split('\n')
      expect(lines[0]).toBe(
        'ticket_id,session_id,email,kind,status,currency,amount,amount_refunded,revoked_reason,created_at',
      )
      expect(lines).toHaveLength(5)
      const reconciled = await request<Record<string, unknown>>(
        `${world.url}/api/billing/reconcile`,
      )
      expect(reconciled.status).toBe(200)
      expect(reconciled.body).toMatchObject({
        agrees: true,
        unknownToPodium: [],
        unknownToStripe: [],
        currencies: [
          {
            currency: 'eur',
            stripe: { charges: 4500, refunds: 500 },
            podium: { charges: 4500, refunds: 500 },
            agrees: true,
          },
        ],
      })
      // A payment whose webhook never came shows up as unknown to Podium.
      const lost = await openCheckout(`lost-${kind}@example.org`)
      const completed = world.stripe.complete(lost.checkout.id)
      const after = await request<{ agrees: boolean; unknownToPodium: string[] }>(
        `${world.url}/api/billing/reconcile`,
      )
      expect(after.body.agrees).toBe(false)
      expect(after.body.unknownToPodium).toEqual([completed.payment_intent])
    })
  })
}

describe('two instances on Postgres', () => {
  let schema: TestSchema
  let first: PaymentsWorld
  let second: PaymentsWorld

  beforeAll(async () => {
    schema = await createTestSchema()
    const env = { DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema }
    first = await startPaymentsWorld(env)
    second = await startPaymentsWorld(env, { stripe: first.stripe, inbox: first.inbox })
  }, 60_000)

  afterAll(async () => {
    await second?.close()
    await first?.close()
    await schema?.drop()
  })

  it('make one ticket of the same event delivered to both', async () => {
    const { session } = await paidSession(first, 'host-two@example.org', {
      amount: 2000,
      currency: 'usd',
    })
    const buyer = await signInByEmail(first.url, first.inbox, 'two@example.org')
    const opened = await request<{ url: string }>(
      `${second.url}/api/sessions/${session.id}/checkout`,
      {
        token: buyer.accessToken,
        body: {},
      },
    )
    expect(opened.status).toBe(200)
    const completed = first.stripe.complete(checkoutIdOf(opened.body.url))
    const event = first.stripe.event('checkout.session.completed', completed)
    const answers = await Promise.all([
      deliver(first.url, event),
      deliver(second.url, event),
      deliver(first.url, event),
      deliver(second.url, event),
    ])
    for (const answer of answers) expect(answer.status).toBe(200)
    const kysely = first.podium.podium.services.db.kysely
    await until(async () => {
      const [row] = await kysely
        .selectFrom('stripe_events')
        .select('status')
        .where('id', '=', event.id)
        .execute()
      return row?.status === 'done'
    }, 'the event handled')
    const rows = await kysely
      .selectFrom('tickets')
      .selectAll()
      .where('session_id', '=', session.id)
      .execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ status: 'active', amount: 2000, currency: 'usd' })
    const queued = await kysely
      .selectFrom('notifications')
      .select('id')
      .where('kind', '=', 'ticket')
      .where('session_id', '=', session.id)
      .execute()
    expect(queued).toHaveLength(1)
    const receipt = await first.inbox.next('two@example.org')
    expect(receipt.subject).toBe('Your ticket for "Paid talk"')
  })
})
