import type { TicketOffer, TicketSettings } from '@podium/shared'
import type { Selectable } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { TicketOffersTable } from '../db/schema.ts'
import type { Executor } from '../notifications/queue.ts'

export type OfferRow = Selectable<TicketOffersTable>

/** Tickets and seats held count against capacity; refunded and failed ones do not. */
export const HOLDING = ['active', 'pending'] as const

/** A paid session's ticket price, capacity and sales window: the server's copy. */
export class Offers {
  /** Which sessions are paid, kept briefly: every attendee connection asks. */
  private readonly paid = new Map<string, { at: number; paid: boolean }>()

  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  async of(trx: Executor, sessionId: string): Promise<OfferRow | undefined> {
    return trx
      .selectFrom('ticket_offers')
      .selectAll()
      .where('session_id', '=', sessionId)
      .executeTakeFirst()
  }

  async isPaid(sessionId: string): Promise<boolean> {
    const seen = this.paid.get(sessionId)
    if (seen && Date.now() - seen.at < 5_000) return seen.paid
    const paid = (await this.of(this.db.kysely, sessionId)) !== undefined
    this.paid.set(sessionId, { at: Date.now(), paid })
    if (this.paid.size > 10_000) this.paid.delete(this.paid.keys().next().value!)
    return paid
  }

  async set(sessionId: string, ticket: TicketSettings | null): Promise<void> {
    this.paid.delete(sessionId)
    if (ticket === null) {
      await this.db.kysely.deleteFrom('ticket_offers').where('session_id', '=', sessionId).execute()
      return
    }
    const prices = Object.fromEntries(
      Object.entries(ticket.prices ?? {}).map(([c, a]) => [c.toLowerCase(), a]),
    )
    const row = {
      amount: ticket.amount,
      currency: ticket.currency,
      prices: JSON.stringify(prices),
      capacity: ticket.capacity ?? null,
      sales_start: ticket.salesStart ?? null,
      sales_end: ticket.salesEnd ?? null,
      updated_at: this.clock(),
    }
    await this.db.kysely
      .insertInto('ticket_offers')
      .values({ session_id: sessionId, ...row })
      .onConflict((c) => c.column('session_id').doUpdateSet(row))
      .execute()
  }

  /** Seats sold or held by an open Checkout (other than `except`'s own). */
  async seatsTaken(trx: Executor, sessionId: string, except?: string): Promise<number> {
    const sold = await trx
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('session_id', '=', sessionId)
      .where('status', 'in', [...HOLDING])
      .executeTakeFirstOrThrow()
    let held = trx
      .selectFrom('ticket_reservations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('session_id', '=', sessionId)
      .where('expires_at', '>', this.clock())
    if (except) held = held.where('account_id', '!=', except)
    const holding = await held.executeTakeFirstOrThrow()
    return Number(sold.n) + Number(holding.n)
  }
}

/** The ticket as settings show it. */
export function settingsOf(row: OfferRow): TicketSettings {
  return {
    amount: Number(row.amount),
    currency: row.currency,
    capacity: row.capacity,
    prices: JSON.parse(row.prices) as Record<string, number>,
    salesStart: row.sales_start === null ? null : Number(row.sales_start),
    salesEnd: row.sales_end === null ? null : Number(row.sales_end),
  }
}

/** Whether tickets can be bought now, and if not, why. */
export function salesState(
  row: OfferRow,
  status: string,
  now: number,
  seatsLeft: number | null,
): TicketOffer['sales'] {
  if (status === 'ended') return 'ended'
  if (row.sales_start !== null && now < Number(row.sales_start)) return 'not-yet'
  if (row.sales_end !== null && now >= Number(row.sales_end)) return 'closed'
  if (seatsLeft !== null && seatsLeft <= 0) return 'sold-out'
  return 'open'
}
