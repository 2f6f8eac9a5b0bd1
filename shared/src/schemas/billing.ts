import { z } from 'zod'
import { amountProblem } from '../money.ts'

const currencyCode = z
  .string({ error: 'currency is a three-letter code such as "eur"' })
  .regex(/^[A-Za-z]{3}$/, 'currency is a three-letter code such as "eur"')
  .transform((c) => c.toLowerCase())

/**
 * A paid session's ticket (`settings.ticket`): a price in integer minor units, extra prices
 * in other currencies, an optional capacity and sales window (UTC milliseconds).
 */
export const TicketSettings = z
  .strictObject({
    amount: z.number({ error: 'amount is a whole number of cents (minor units)' }),
    currency: currencyCode,
    capacity: z
      .number()
      .int('capacity is a whole number of seats')
      .min(1, 'capacity is at least 1 seat')
      .max(1_000_000)
      .nullable()
      .optional(),
    prices: z.record(z.string(), z.number()).optional(),
    salesStart: z.number().int().nullable().optional(),
    salesEnd: z.number().int().nullable().optional(),
  })
  .superRefine((ticket, ctx) => {
    const problem = amountProblem(ticket.amount, ticket.currency)
    if (problem) ctx.addIssue({ code: 'custom', path: ['amount'], message: problem })
    for (const [currency, amount] of Object.entries(ticket.prices ?? {})) {
      const other = amountProblem(amount, currency.toLowerCase())
      if (other) ctx.addIssue({ code: 'custom', path: ['prices', currency], message: other })
      if (currency.toLowerCase() === ticket.currency)
        ctx.addIssue({
          code: 'custom',
          path: ['prices', currency],
          message: 'the main currency is not repeated among the extra prices',
        })
    }
    if (
      ticket.salesStart != null &&
      ticket.salesEnd != null &&
      ticket.salesEnd <= ticket.salesStart
    )
      ctx.addIssue({
        code: 'custom',
        path: ['salesEnd'],
        message: 'sales must end after they start',
      })
  })
export type TicketSettings = z.infer<typeof TicketSettings>

/** The ticket as the join page sees it: `GET /api/tickets?code=`. */
export interface TicketOffer {
  sessionId: string
  title: string
  amount: number
  currency: string
  prices: Record<string, number>
  capacity: number | null
  /** Seats not sold nor held in an open Checkout; null without a capacity. */
  seatsLeft: number | null
  salesStart: number | null
  salesEnd: number | null
  /** `open`, or why a ticket cannot be bought now. */
  sales: 'open' | 'not-yet' | 'closed' | 'sold-out' | 'ended'
}

export const CheckoutBody = z.strictObject({
  /** One of the ticket's currencies; default its main one. */
  currency: currencyCode.optional(),
})

export const CompTicketBody = z.strictObject({
  email: z.email({ error: 'email is an address such as ada@example.org' }).max(254),
})

export const RefundBody = z.strictObject({
  /** Minor units; the whole remaining charge when left out. */
  amount: z
    .number()
    .int('amount is a whole number of cents (minor units)')
    .min(1, 'amount must be more than 0')
    .optional(),
  /** Whether the ticket goes with a partial refund (a full one always revokes it). */
  revoke: z.boolean().optional(),
})

export const PlanCheckoutBody = z.strictObject({
  plan: z.enum(['pro', 'event'], { error: 'plan is "pro" or "event"' }),
  interval: z.enum(['monthly', 'yearly']).optional(),
})
