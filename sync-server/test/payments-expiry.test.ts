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
import { createTestSchema } from '../../test-support/postgres.ts'

// checkout.session.expired: a Checkout Session that lapses unpaid gives its seat back and is
// marked expired, once however often the event comes, and without touching a hold or a
// ticket of another checkout of the same buyer.

const backends = {
  sqlite: async () => ({ env: {}, drop: async () => {} }),
  postgres: async () => {
    const schema = await createTestSchema()
    return {
      env: { DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema },
      drop: () => schema.drop(),
    }
  },
}

for (const [kind, backend] of Object.entries(backends))
  describe(`an expired checkout on ${kind}`, () => {
    let world: PaymentsWorld
    let drop: () => Promise<void> = async () => {}
    const db = () => world.podium.podium.services.db.kysely
    const eventRow = (id: string) =>
      db().selectFrom('stripe_events').selectAll().where('id', '=', id).executeTakeFirst()
    const checkoutRow = (id: string) =>
      db().selectFrom('ticket_checkouts').selectAll().where('id', '=', id).executeTakeFirst()
    const holds = (sessionId: string) =>
      db()
        .selectFrom('ticket_reservations')
        .selectAll()
        .where('session_id', '=', sessionId)
        .execute()

    beforeAll(async () => {
      const made = await backend()
      drop = made.drop
      world = await startPaymentsWorld(made.env)
    }, 60_000)
    afterAll(async () => {
      await world?.close()
      await drop()
    })

    async function oneSeat(hostEmail: string): Promise<PaidSession> {
      const { session } = await paidSession(world, hostEmail, {
        amount: 900,
        currency: 'eur',
        capacity: 1,
      })
      return session
    }
    const seatsLeft = async (session: PaidSession) =>
      (
        await request<{ ticket: { seatsLeft: number } }>(
          `${world.url}/api/tickets?code=${session.code}`,
        )
      ).body.ticket.seatsLeft
    const openCheckout = (session: PaidSession, token: string) =>
      request<{ url: string; detail?: string }>(
        `${world.url}/api/sessions/${session.id}/checkout`,
        {
          token,
          body: {},
        },
      )
    async function handled(event: { id: string; payload: string; header: string }) {
      const answer = await deliver(world.url, event)
      expect(answer.status).toBe(200)
      await until(async () => (await eventRow(event.id))?.status === 'done', event.id)
      return answer.body
    }

    it('frees the seat it held and is marked expired, once however often it comes', async () => {
      const session = await oneSeat('host-expiry@example.org')
      const [first, second] = await Promise.all([
        signInByEmail(world.url, world.inbox, 'first-expiry@example.org'),
        signInByEmail(world.url, world.inbox, 'second-expiry@example.org'),
      ])
      const opened = await openCheckout(session, first.accessToken)
      expect(opened.status).toBe(200)
      const checkoutId = checkoutIdOf(opened.body.url)
      expect((await checkoutRow(checkoutId))?.status).toBe('open')
      expect(await seatsLeft(session)).toBe(0)
      const full = await openCheckout(session, second.accessToken)
      expect(full.status).toBe(409)
      expect(full.body.detail).toMatch(/full/)

      const expired = world.stripe.expire(checkoutId)
      const event = world.stripe.event('checkout.session.expired', expired)
      expect(await handled(event)).toMatchObject({ duplicate: false, handled: true })
      expect(await seatsLeft(session)).toBe(1)
      expect(await holds(session.id)).toEqual([])
      expect(await checkoutRow(checkoutId)).toMatchObject({
        status: 'expired',
        session_id: session.id,
        account_id: first.accountId,
      })

      // The buyer's join page is told how their checkout ended.
      const offer = await request<{ checkout: string | null; held: boolean }>(
        `${world.url}/api/tickets?code=${session.code}`,
        { token: first.accessToken },
      )
      expect(offer.body).toMatchObject({ checkout: 'expired', held: false })

      // The same event again changes nothing; another delivery of the same state neither.
      expect((await deliver(world.url, event)).body).toMatchObject({ duplicate: true })
      const again = await openCheckout(session, second.accessToken)
      expect(again.status).toBe(200)
      await handled(world.stripe.event('checkout.session.expired', expired))
      expect(await seatsLeft(session)).toBe(0)
      expect((await holds(session.id)).map((h) => h.account_id)).toEqual([second.accountId])
      expect(
        await db()
          .selectFrom('tickets')
          .select('id')
          .where('session_id', '=', session.id)
          .execute(),
      ).toEqual([])
      // Stripe will not take a payment for it any more.
      expect(() => world.stripe.complete(checkoutId)).toThrow(/expired/)
    })

    it("leaves the buyer's newer checkout and its ticket alone, whatever the order", async () => {
      const session = await oneSeat('host-expiry-order@example.org')
      const buyer = await signInByEmail(world.url, world.inbox, 'buyer-expiry-order@example.org')
      const older = checkoutIdOf((await openCheckout(session, buyer.accessToken)).body.url)
      const newer = checkoutIdOf((await openCheckout(session, buyer.accessToken)).body.url)
      expect(newer).not.toBe(older)
      expect(await seatsLeft(session)).toBe(0)

      // The older one lapses: the hold of the newer one stays.
      await handled(world.stripe.event('checkout.session.expired', world.stripe.expire(older)))
      expect(await seatsLeft(session)).toBe(0)
      expect((await holds(session.id)).map((h) => h.checkout_session_id)).toEqual([newer])
      expect((await checkoutRow(newer))?.status).toBe('open')

      // The newer one is paid; a late expiry of the older one changes nothing of it.
      const completed = world.stripe.complete(newer)
      await handled(world.stripe.event('checkout.session.completed', completed))
      await handled(
        world.stripe.event('checkout.session.expired', {
          ...completed,
          id: older,
          status: 'expired',
        }),
      )
      const join = await request(`${world.url}/api/join`, {
        token: buyer.accessToken,
        body: { code: session.code },
      })
      expect(join.status).toBe(200)
      expect((await checkoutRow(newer))?.status).toBe('complete')
      expect((await checkoutRow(older))?.status).toBe('expired')
      // A stray expiry naming the paid checkout (never sent by Stripe) cannot undo it.
      await handled(
        world.stripe.event('checkout.session.expired', { ...completed, status: 'expired' }),
      )
      expect((await checkoutRow(newer))?.status).toBe('complete')
      const ticket = await db()
        .selectFrom('tickets')
        .select('status')
        .where('checkout_session_id', '=', newer)
        .executeTakeFirstOrThrow()
      expect(ticket.status).toBe('active')
      expect(await seatsLeft(session)).toBe(0)
    })
  })
