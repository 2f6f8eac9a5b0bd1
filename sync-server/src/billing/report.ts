import { stringify } from 'csv-stringify/sync'
import type Stripe from 'stripe'
import type { Db } from '../db/connect.ts'

/** What was sold in one currency: counts and integer minor units. */
export interface CurrencyTotals {
  currency: string
  tickets: number
  gross: number
  refunds: number
  disputes: number
  net: number
}

export interface SalesReport {
  from: number | null
  to: number | null
  /** Free tickets the host gave. */
  comps: number
  currencies: CurrencyTotals[]
}

/** Paid tickets whose payment went through (a failed bank debit sold nothing). */
const SOLD = (reason: string | null, status: string) =>
  status !== 'pending' && reason !== 'payment-failed'

/** Totals by currency of one session, or of the whole instance for a period. */
export async function salesReport(
  db: Db,
  scope: { sessionId?: string; from?: number; to?: number },
): Promise<SalesReport> {
  let query = db.kysely
    .selectFrom('tickets')
    .select([
      'kind',
      'status',
      'revoked_reason',
      'amount',
      'currency',
      'amount_refunded',
      'payment_intent_id',
    ])
  if (scope.sessionId) query = query.where('session_id', '=', scope.sessionId)
  if (scope.from !== undefined) query = query.where('created_at', '>=', scope.from)
  if (scope.to !== undefined) query = query.where('created_at', '<', scope.to)
  const rows = await query.execute()
  const intents = rows.flatMap((r) => (r.payment_intent_id ? [r.payment_intent_id] : []))
  const disputes =
    intents.length === 0
      ? []
      : await db.kysely
          .selectFrom('ticket_disputes')
          .select(['payment_intent_id', 'amount'])
          .where('payment_intent_id', 'in', intents)
          .execute()
  const disputed = new Map<string, number>()
  for (const d of disputes)
    disputed.set(d.payment_intent_id, (disputed.get(d.payment_intent_id) ?? 0) + Number(d.amount))
  const byCurrency = new Map<string, CurrencyTotals>()
  const totals = (currency: string) => {
    let t = byCurrency.get(currency)
    if (!t) {
      t = { currency, tickets: 0, gross: 0, refunds: 0, disputes: 0, net: 0 }
      byCurrency.set(currency, t)
    }
    return t
  }
  let comps = 0
  for (const row of rows) {
    if (row.kind === 'comp') {
      comps += 1
      continue
    }
    if (!row.currency || !SOLD(row.revoked_reason, row.status)) continue
    const t = totals(row.currency)
    t.tickets += 1
    t.gross += Number(row.amount)
    t.refunds += Number(row.amount_refunded)
    t.disputes += row.payment_intent_id ? (disputed.get(row.payment_intent_id) ?? 0) : 0
  }
  for (const t of byCurrency.values()) t.net = t.gross - t.refunds - t.disputes
  return {
    from: scope.from ?? null,
    to: scope.to ?? null,
    comps,
    currencies: [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
  }
}

export const SALES_COLUMNS = [
  'ticket_id',
  'session_id',
  'email',
  'kind',
  'status',
  'currency',
  'amount',
  'amount_refunded',
  'revoked_reason',
  'created_at',
] as const

/** One row per ticket, amounts in minor units, times in ISO 8601 UTC. */
export async function salesCsv(
  db: Db,
  scope: { sessionId?: string; from?: number; to?: number },
): Promise<string> {
  let query = db.kysely.selectFrom('tickets').selectAll().orderBy('created_at')
  if (scope.sessionId) query = query.where('session_id', '=', scope.sessionId)
  if (scope.from !== undefined) query = query.where('created_at', '>=', scope.from)
  if (scope.to !== undefined) query = query.where('created_at', '<', scope.to)
  const rows = (await query.execute()).map((t) => [
    t.id,
    t.session_id,
    t.email,
    t.kind,
    t.status,
    t.currency ?? '',
    Number(t.amount),
    Number(t.amount_refunded),
    t.revoked_reason ?? '',
    new Date(Number(t.created_at)).toISOString(),
  ])
  return stringify([[...SALES_COLUMNS], ...rows])
}

export interface Reconciliation {
  from: number
  to: number
  agrees: boolean
  currencies: Array<{
    currency: string
    stripe: { charges: number; refunds: number; fees: number }
    podium: { charges: number; refunds: number }
    agrees: boolean
  }>
  /** Ticket payments Stripe has that Podium does not know (a lost webhook), and the reverse. */
  unknownToPodium: string[]
  unknownToStripe: string[]
  /** Balance transactions that are not ticket sales (plans, payouts…), by type. */
  other: Record<string, number>
}

interface Source {
  payment_intent?: string | null
  metadata?: Record<string, string> | null
}

/**
 * Compares what Podium recorded for a period with Stripe's balance transactions for the
 * same period: ticket charges and refunds per currency, and which payments either side
 * lacks. Stripe's fees are reported as Stripe states them.
 */
export async function reconcile(
  db: Db,
  stripe: Stripe,
  from: number,
  to: number,
): Promise<Reconciliation> {
  const tickets = await db.kysely
    .selectFrom('tickets')
    .select(['payment_intent_id', 'amount', 'currency', 'status', 'revoked_reason'])
    .where('kind', '=', 'paid')
    .where('payment_intent_id', 'is not', null)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .execute()
  const ours = new Map(
    tickets
      .filter((t) => SOLD(t.revoked_reason, t.status))
      .map((t) => [t.payment_intent_id!, { amount: Number(t.amount), currency: t.currency! }]),
  )
  const refunds = await db.kysely
    .selectFrom('ticket_refunds')
    .select(['amount', 'currency'])
    .where('status', '=', 'succeeded')
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .execute()
  const known = await db.kysely
    .selectFrom('tickets')
    .select('payment_intent_id')
    .where('payment_intent_id', 'is not', null)
    .execute()
  const anyTicket = new Set(known.map((k) => k.payment_intent_id!))
  const rows = new Map<string, Reconciliation['currencies'][number]>()
  const row = (currency: string) => {
    let r = rows.get(currency)
    if (!r) {
      r = {
        currency,
        stripe: { charges: 0, refunds: 0, fees: 0 },
        podium: { charges: 0, refunds: 0 },
        agrees: true,
      }
      rows.set(currency, r)
    }
    return r
  }
  for (const t of ours.values()) row(t.currency).podium.charges += t.amount
  for (const r of refunds) row(r.currency).podium.refunds += Number(r.amount)
  const other: Record<string, number> = {}
  const seen = new Set<string>()
  const unknownToPodium: string[] = []
  const list = stripe.balanceTransactions.list({
    created: { gte: Math.floor(from / 1000), lt: Math.ceil(to / 1000) },
    limit: 100,
    expand: ['data.source'],
  })
  for await (const txn of list) {
    const source = typeof txn.source === 'object' ? (txn.source as Source) : null
    const intent = source?.payment_intent ?? null
    // A ticket's charge carries its checkout's metadata; its refunds name its payment.
    const isTicket =
      (intent !== null && anyTicket.has(intent)) || Boolean(source?.metadata?.session_id)
    const kind = txn.type === 'payment' ? 'charge' : txn.type
    if (!isTicket || (kind !== 'charge' && kind !== 'refund')) {
      other[txn.type] = (other[txn.type] ?? 0) + 1
      continue
    }
    const r = row(txn.currency)
    r.stripe.fees += txn.fee
    if (kind === 'refund') {
      r.stripe.refunds += -txn.amount
      continue
    }
    r.stripe.charges += txn.amount
    if (intent) seen.add(intent)
    if (intent && !anyTicket.has(intent)) unknownToPodium.push(intent)
  }
  const unknownToStripe = [...ours.keys()].filter((intent) => !seen.has(intent))
  for (const r of rows.values())
    r.agrees = r.stripe.charges === r.podium.charges && r.stripe.refunds === r.podium.refunds
  const currencies = [...rows.values()].sort((a, b) => a.currency.localeCompare(b.currency))
  return {
    from,
    to,
    agrees:
      currencies.every((r) => r.agrees) &&
      unknownToPodium.length === 0 &&
      unknownToStripe.length === 0,
    currencies,
    unknownToPodium,
    unknownToStripe,
    other,
  }
}
