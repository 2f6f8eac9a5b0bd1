import { newId, type Role } from '@podium/shared'
import { HttpProblem } from '@podium/shared/server'
import type Stripe from 'stripe'
import type { Account } from '../auth/accounts.ts'
import type { Db } from '../db/connect.ts'
import { CheckoutStatus, markCheckout } from './checkouts.ts'
import { HOLDING, type Offers, salesState } from './offers.ts'
import { failureWords, stripeProblem } from './stripe.ts'

/** How long a seat is held while its buyer is in Checkout (Stripe's shortest expiry). */
export const RESERVATION_MS = 30 * 60_000

export interface CheckoutContext {
  db: Db
  offers: Offers
  stripe: Stripe
  clock: () => number
  automaticTax: boolean
}

export interface TicketCheckout {
  session: { id: string; code: string; title: string; status: string }
  account: Account
  /** The caller's role in the session, when they are in it already. */
  role: Role | undefined
  currency: string | undefined
  /** Where Checkout sends the buyer back: the join page. */
  joinUrl: string
}

/**
 * Holds a seat and opens a Checkout Session for it. The seat is taken inside one
 * transaction that first locks the session's offer (Postgres) or holds SQLite's only
 * writer, so two buyers of the last seat cannot both get it; the Stripe call comes after.
 */
export async function ticketCheckout(ctx: CheckoutContext, input: TicketCheckout): Promise<string> {
  const { db, offers, clock } = ctx
  const { session, account } = input
  const now = clock()
  const reservationId = newId()
  const held = await db.kysely.transaction().execute(async (trx) => {
    let query = trx.selectFrom('ticket_offers').selectAll().where('session_id', '=', session.id)
    if (db.dialect === 'postgres') query = query.forUpdate()
    const offer = await query.executeTakeFirst()
    if (!offer)
      throw HttpProblem.conflict('This session is free: join it with its code, no ticket needed.')
    if (input.role && input.role !== 'attendee')
      throw HttpProblem.conflict(`You are ${input.role} of this session: staff need no ticket.`)
    const owned = await trx
      .selectFrom('tickets')
      .select('id')
      .where('session_id', '=', session.id)
      .where((eb) => eb.or([eb('account_id', '=', account.id), eb('email', '=', account.email)]))
      .where('status', 'in', [...HOLDING])
      .executeTakeFirst()
    if (owned) throw HttpProblem.conflict('You have a ticket for this session already: join it.')
    const taken = await offers.seatsTaken(trx, session.id, account.id)
    const left = offer.capacity === null ? null : offer.capacity - taken
    const sales = salesState(offer, session.status, now, left)
    switch (sales) {
      case 'open':
        break
      case 'ended':
        throw HttpProblem.conflict('This session has ended: tickets are no longer sold.')
      case 'not-yet':
        throw HttpProblem.conflict(failureWords('sales-not-open'))
      case 'closed':
        throw HttpProblem.conflict(failureWords('sales-closed'))
      case 'sold-out':
        throw HttpProblem.conflict(failureWords('session-full'))
      default: {
        const never: never = sales
        throw new Error(`unknown sales state ${String(never)}`)
      }
    }
    const prices = JSON.parse(offer.prices) as Record<string, number>
    const currency = input.currency ?? offer.currency
    const amount = currency === offer.currency ? Number(offer.amount) : prices[currency]
    if (amount === undefined)
      throw HttpProblem.badRequest(
        `This ticket is not sold in ${currency.toUpperCase()}: choose one of ${[offer.currency, ...Object.keys(prices)].map((c) => c.toUpperCase()).join(', ')}.`,
      )
    await trx
      .deleteFrom('ticket_reservations')
      .where('session_id', '=', session.id)
      .where('account_id', '=', account.id)
      .execute()
    await trx
      .insertInto('ticket_reservations')
      .values({
        id: reservationId,
        session_id: session.id,
        account_id: account.id,
        checkout_session_id: null,
        expires_at: now + RESERVATION_MS,
        created_at: now,
      })
      .execute()
    return { amount, currency }
  })

  const metadata = { session_id: session.id, account_id: account.id, reservation_id: reservationId }
  let created: Stripe.Checkout.Session
  try {
    created = await ctx.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: held.currency,
              unit_amount: held.amount,
              product_data: { name: `Ticket: ${session.title}`.slice(0, 250) },
            },
          },
        ],
        customer_email: account.email,
        client_reference_id: account.id,
        metadata,
        payment_intent_data: { metadata },
        allow_promotion_codes: true,
        ...(ctx.automaticTax ? { automatic_tax: { enabled: true } } : {}),
        tax_id_collection: { enabled: true },
        success_url: `${input.joinUrl}?checkout=success`,
        cancel_url: `${input.joinUrl}?checkout=cancelled`,
        expires_at: Math.floor((now + RESERVATION_MS) / 1000),
      },
      { idempotencyKey: `ticket-checkout-${reservationId}` },
    )
  } catch (error) {
    await db.kysely.deleteFrom('ticket_reservations').where('id', '=', reservationId).execute()
    throw stripeProblem(error, 'opening the checkout')
  }
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('ticket_reservations')
      .set({ checkout_session_id: created.id })
      .where('id', '=', reservationId)
      .execute()
    const checkout = { id: created.id, sessionId: session.id, accountId: account.id }
    await markCheckout(trx, checkout, CheckoutStatus.open, now)
  })
  if (!created.url) throw HttpProblem.conflict('Stripe opened a checkout without an address.')
  return created.url
}
