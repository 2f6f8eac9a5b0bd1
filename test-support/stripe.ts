// A stand-in for the Stripe API routes Podium calls, on a free port of 127.0.0.1, at the
// wire level: form-encoded bodies in Stripe's bracket notation, the parameters checked as
// Stripe checks them, and Stripe-shaped objects, lists and errors in return. Podium talks
// to it with the real `stripe` SDK (STRIPE_API_URL). The test plays the buyer and Stripe's
// side of the webhooks: `complete` pays an open Checkout Session, `event` signs an event
// with the SDK's own test header.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Stripe from 'stripe'

export const STRIPE_SECRET_KEY = 'sk_test_podiumStandIn'
export const STRIPE_WEBHOOK_SECRET = 'whsec_podiumStandInSecret'

type Params = Record<string, unknown>
type StripeObject = Record<string, any>

export interface StripeStandIn {
  /** For STRIPE_API_URL */
  url: string
  /** STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and STRIPE_API_URL for this stand-in. */
  env: Record<string, string>
  /** Every request: method, path and the parsed form parameters. */
  requests: Array<{ method: string; path: string; params: Params }>
  checkoutSessions: Map<string, StripeObject>
  charges: Map<string, StripeObject>
  refunds: Map<string, StripeObject>
  customers: Map<string, StripeObject>
  subscriptions: Map<string, StripeObject>
  balanceTransactions: StripeObject[]
  /** Prices the stand-in knows (host plans), as Stripe Prices. */
  addPrice(id: string, price: { unitAmount: number; currency: string; interval: string }): void
  /**
   * The buyer pays an open Checkout Session: its payment intent, charge and balance
   * transaction (with Stripe's fee) are made; the completed session is returned.
   * `async: true` plays a bank debit that settles later (payment_status unpaid).
   */
  complete(id: string, options?: { async?: boolean }): StripeObject
  /**
   * An open Checkout Session lapses unpaid (its `expires_at` passed, or
   * POST /v1/checkout/sessions/:id/expire); the expired session is returned.
   */
  expire(id: string): StripeObject
  /** A signed event as Stripe sends it: the body and its Stripe-Signature header. */
  event(
    type: string,
    object: StripeObject,
    options?: { id?: string; secret?: string; timestamp?: number; created?: number },
  ): { id: string; payload: string; header: string }
  /** The next call to `path` fails with this Stripe error (status, type, code, message). */
  failNext(
    path: string,
    error: { status: number; type: string; code?: string; message: string },
  ): void
  close(): Promise<void>
}

/** Currencies Stripe charges in no minor unit (amounts are whole yen, won…). */
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
])
/** Currencies with three decimals; Stripe wants their amounts to end in 0. */
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd'])
/** A few of the currencies Stripe presents, enough for the tests' choices. */
const KNOWN = new Set([
  'eur',
  'usd',
  'gbp',
  'chf',
  'sek',
  'nok',
  'dkk',
  'pln',
  'cad',
  'aud',
  ...ZERO_DECIMAL,
  ...THREE_DECIMAL,
])
/** Stripe's smallest charge per currency in minor units (about 50 US cents). */
const MINIMUM: Record<string, number> = { eur: 50, usd: 50, gbp: 30, chf: 50, jpy: 50, krw: 100 }

class StripeError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param?: string,
    readonly code?: string,
  ) {
    super(message)
  }
}

const invalid = (message: string, param?: string, code?: string) =>
  new StripeError(400, 'invalid_request_error', message, param, code)
const missing = (param: string) =>
  invalid(`Missing required param: ${param}.`, param, 'parameter_missing')
const noSuch = (what: string, id: string, param = 'id') =>
  new StripeError(
    404,
    'invalid_request_error',
    `No such ${what}: '${id}'`,
    param,
    'resource_missing',
  )

/** Parses `a[b][0][c]=1&…` (what the SDK sends) into nested objects and arrays. */
export function parseStripeForm(body: string): Params {
  const root: Params = {}
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const parts = rawKey.split('[').map((part, i) => (i === 0 ? part : part.replace(/\]$/, '')))
    let at: any = root
    parts.forEach((part, i) => {
      const last = i === parts.length - 1
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]!)
      const key = Array.isArray(at) ? Number(part) : part
      if (last) at[key] = value
      else {
        at[key] ??= nextIsIndex ? [] : {}
        at = at[key]
      }
    })
  }
  return root
}

const id = (prefix: string) =>
  `${prefix}_test_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`
const now = () => Math.floor(Date.now() / 1000)

function integer(value: unknown, param: string, min = 0): number {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value))
    throw invalid(`Invalid integer: ${String(value)}`, param)
  const n = Number(value)
  if (n < min) throw invalid(`This value must be greater than or equal to ${min}.`, param)
  return n
}

function bool(value: unknown, param: string): boolean {
  if (value === 'true') return true
  if (value === 'false') return false
  throw invalid(`Invalid boolean: ${String(value)}`, param)
}

function metadata(value: unknown, param = 'metadata'): Record<string, string> {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('Invalid object', param)
  const entries = Object.entries(value as Record<string, unknown>)
  if (entries.length > 50) throw invalid('You can have at most 50 metadata keys.', param)
  for (const [key, v] of entries) {
    if (key.length > 40) throw invalid('Metadata keys can be at most 40 characters.', param)
    if (typeof v !== 'string' || v.length > 500)
      throw invalid('Metadata values can be at most 500 characters.', `${param}[${key}]`)
  }
  return value as Record<string, string>
}

function currency(value: unknown, param: string): string {
  if (typeof value !== 'string') throw missing(param)
  if (!KNOWN.has(value)) throw invalid(`Invalid currency: ${value}.`, param)
  return value
}

function url(value: unknown, param: string): string {
  if (typeof value !== 'string') throw missing(param)
  try {
    const parsed = new URL(value)
    if (!/^https?:$/.test(parsed.protocol)) throw new Error()
  } catch {
    throw invalid('Not a valid URL', param, 'url_invalid')
  }
  return value
}

export async function startStripe(): Promise<StripeStandIn> {
  const requests: StripeStandIn['requests'] = []
  const checkoutSessions = new Map<string, StripeObject>()
  const charges = new Map<string, StripeObject>()
  const refunds = new Map<string, StripeObject>()
  const customers = new Map<string, StripeObject>()
  const subscriptions = new Map<string, StripeObject>()
  const prices = new Map<string, StripeObject>()
  const balanceTransactions: StripeObject[] = []
  const failures = new Map<string, StripeError>()
  let base = ''

  function lineItems(params: Params, mode: string) {
    const items = params.line_items
    if (!Array.isArray(items) || items.length === 0) throw missing('line_items')
    return items.map((raw: any, i: number) => {
      const p = `line_items[${i}]`
      const quantity = integer(raw.quantity ?? '1', `${p}[quantity]`, 1)
      if (raw.price !== undefined) {
        const price = prices.get(raw.price)
        if (!price) throw noSuch('price', raw.price, `${p}[price]`)
        if (mode === 'payment' && price.recurring)
          throw invalid(
            'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
            `${p}[price]`,
          )
        if (mode === 'subscription' && !price.recurring)
          throw invalid(
            'You must specify at least one recurring price in `subscription` mode when using prices.',
            `${p}[price]`,
          )
        return { amount: price.unit_amount * quantity, currency: price.currency, quantity }
      }
      const data = raw.price_data
      if (!data) throw invalid('You must specify either `price` or `price_data`.', p)
      const cur = currency(data.currency, `${p}[price_data][currency]`)
      const amount = integer(data.unit_amount, `${p}[price_data][unit_amount]`)
      if (!data.product && !data.product_data?.name)
        throw missing(`${p}[price_data][product_data][name]`)
      if (THREE_DECIMAL.has(cur) && amount % 10 !== 0)
        throw invalid(
          'Amounts in three-decimal currencies must be a multiple of 10 (the last digit 0).',
          `${p}[price_data][unit_amount]`,
        )
      const min = MINIMUM[cur]
      if (min !== undefined && amount > 0 && amount < min)
        throw invalid(
          `The Checkout Session's total amount due must add up to at least ${min} ${cur}.`,
          `${p}[price_data][unit_amount]`,
          'amount_too_small',
        )
      return { amount: amount * quantity, currency: cur, quantity }
    })
  }

  function createCheckoutSession(params: Params): StripeObject {
    const mode = params.mode
    if (mode === undefined) throw missing('mode')
    if (mode !== 'payment' && mode !== 'subscription' && mode !== 'setup')
      throw invalid(`Invalid mode: must be one of payment, setup, or subscription`, 'mode')
    const successUrl = url(params.success_url, 'success_url')
    if (params.cancel_url !== undefined) url(params.cancel_url, 'cancel_url')
    if (params.customer !== undefined && params.customer_email !== undefined)
      throw invalid('You may only specify one of these parameters: customer, customer_email.')
    if (params.customer !== undefined && !customers.has(String(params.customer)))
      throw noSuch('customer', String(params.customer), 'customer')
    if (params.client_reference_id !== undefined && String(params.client_reference_id).length > 200)
      throw invalid('client_reference_id can be at most 200 characters.', 'client_reference_id')
    const items = lineItems(params, mode)
    const currencies = new Set(items.map((item) => item.currency))
    if (currencies.size > 1)
      throw invalid('All line items must be in the same currency.', 'line_items')
    let expiresAt = now() + 24 * 3600
    if (params.expires_at !== undefined) {
      expiresAt = integer(params.expires_at, 'expires_at')
      if (expiresAt < now() + 30 * 60 - 5 || expiresAt > now() + 24 * 3600 + 5)
        throw invalid(
          'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
          'expires_at',
        )
    }
    const tax = params.automatic_tax as Params | undefined
    const taxIds = params.tax_id_collection as Params | undefined
    const session: StripeObject = {
      id: id('cs'),
      object: 'checkout.session',
      mode,
      status: 'open',
      payment_status: 'unpaid',
      amount_total: items.reduce((sum, item) => sum + item.amount, 0),
      currency: [...currencies][0],
      client_reference_id: params.client_reference_id ?? null,
      customer: params.customer ?? null,
      customer_email: params.customer_email ?? null,
      metadata: metadata(params.metadata),
      allow_promotion_codes:
        params.allow_promotion_codes === undefined
          ? null
          : bool(params.allow_promotion_codes, 'allow_promotion_codes'),
      automatic_tax: {
        enabled: tax?.enabled === undefined ? false : bool(tax.enabled, 'automatic_tax[enabled]'),
      },
      tax_id_collection: {
        enabled:
          taxIds?.enabled === undefined
            ? false
            : bool(taxIds.enabled, 'tax_id_collection[enabled]'),
      },
      payment_intent: null,
      subscription: null,
      success_url: successUrl,
      cancel_url: params.cancel_url ?? null,
      expires_at: expiresAt,
      created: now(),
      livemode: false,
      subscription_data_metadata: metadata(
        (params.subscription_data as Params | undefined)?.metadata,
        'subscription_data[metadata]',
      ),
      payment_intent_metadata: metadata(
        (params.payment_intent_data as Params | undefined)?.metadata,
        'payment_intent_data[metadata]',
      ),
      line_items_prices: (params.line_items as any[]).map((item) => item.price ?? null),
    }
    session.url = `${base}/c/pay/${session.id}`
    checkoutSessions.set(session.id, session)
    return session
  }

  function refund(params: Params): StripeObject {
    const by = params.payment_intent ?? params.charge
    if (by === undefined) throw invalid('One of `charge` or `payment_intent` is required.')
    const charge = [...charges.values()].find((c) => c.id === by || c.payment_intent === by)
    if (!charge)
      throw noSuch(
        params.payment_intent ? 'payment_intent' : 'charge',
        String(by),
        params.payment_intent ? 'payment_intent' : 'charge',
      )
    const left = charge.amount - charge.amount_refunded
    const amount = params.amount === undefined ? left : integer(params.amount, 'amount', 1)
    if (left === 0)
      throw invalid(
        `Charge ${charge.id} has already been refunded.`,
        undefined,
        'charge_already_refunded',
      )
    if (amount > left)
      throw invalid(
        `Refund amount (${amount} ${charge.currency}) is greater than unrefunded amount on charge (${left} ${charge.currency})`,
        'amount',
        'amount_too_large',
      )
    const made: StripeObject = {
      id: id('re'),
      object: 'refund',
      amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      status: 'succeeded',
      reason: params.reason ?? null,
      metadata: metadata(params.metadata),
      created: now(),
    }
    refunds.set(made.id, made)
    charge.amount_refunded += amount
    charge.refunded = charge.amount_refunded === charge.amount
    balanceTransactions.push({
      id: id('txn'),
      object: 'balance_transaction',
      type: 'refund',
      amount: -amount,
      fee: 0,
      net: -amount,
      currency: charge.currency,
      source: made.id,
      created: now(),
      reporting_category: 'refund',
    })
    return made
  }

  function portal(params: Params): StripeObject {
    if (params.customer === undefined) throw missing('customer')
    if (!customers.has(String(params.customer)))
      throw noSuch('customer', String(params.customer), 'customer')
    if (params.return_url !== undefined) url(params.return_url, 'return_url')
    const made = {
      id: id('bps'),
      object: 'billing_portal.session',
      customer: params.customer,
      return_url: params.return_url ?? null,
      created: now(),
      livemode: false,
    }
    return { ...made, url: `${base}/p/session/${made.id}` }
  }

  function customer(params: Params): StripeObject {
    if (params.email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(String(params.email)))
      throw invalid(`Invalid email address: ${String(params.email)}`, 'email', 'email_invalid')
    const made = {
      id: id('cus'),
      object: 'customer',
      email: params.email ?? null,
      name: params.name ?? null,
      metadata: metadata(params.metadata),
      created: now(),
    }
    customers.set(made.id, made)
    return made
  }

  function listBalance(query: URLSearchParams): StripeObject {
    const params = parseStripeForm(query.toString())
    const created = (params.created ?? {}) as Params
    const gte = created.gte === undefined ? -Infinity : integer(created.gte, 'created[gte]')
    const lte = created.lte === undefined ? Infinity : integer(created.lte, 'created[lte]')
    const lt = created.lt === undefined ? Infinity : integer(created.lt, 'created[lt]')
    const expand = (params.expand ?? []) as string[]
    for (const path of expand)
      if (path !== 'data.source')
        throw invalid(`This property cannot be expanded (${path}).`, 'expand')
    const limit = params.limit === undefined ? 10 : integer(params.limit, 'limit', 1)
    if (limit > 100) throw invalid('This value must be less than or equal to 100.', 'limit')
    // Newest first, as Stripe lists them.
    let rows = balanceTransactions
      .filter((t) => t.created >= gte && t.created <= lte && t.created < lt)
      .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1))
    if (params.starting_after !== undefined) {
      const at = rows.findIndex((t) => t.id === params.starting_after)
      if (at < 0)
        throw noSuch('balance_transaction', String(params.starting_after), 'starting_after')
      rows = rows.slice(at + 1)
    }
    return {
      object: 'list',
      url: '/v1/balance_transactions',
      has_more: rows.length > limit,
      data: rows
        .slice(0, limit)
        .map((t) =>
          expand.includes('data.source')
            ? { ...t, source: charges.get(t.source) ?? refunds.get(t.source) ?? t.source }
            : t,
        ),
    }
  }

  /** As Stripe: only an open session expires; an expired one can no longer be paid. */
  function expireSession(sessionId: string): StripeObject {
    const session = checkoutSessions.get(sessionId)
    if (!session) throw noSuch('checkout.session', sessionId)
    if (session.status !== 'open')
      throw new StripeError(
        400,
        'invalid_request_error',
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
      )
    session.status = 'expired'
    return session
  }

  function route(method: string, path: string, params: Params, query: URLSearchParams) {
    if (method === 'POST' && path === '/v1/checkout/sessions') return createCheckoutSession(params)
    const cs = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path)
    if (method === 'GET' && cs) {
      const found = checkoutSessions.get(cs[1]!)
      if (!found) throw noSuch('checkout.session', cs[1]!)
      return found
    }
    const expiring = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path)
    if (method === 'POST' && expiring) return expireSession(expiring[1]!)
    if (method === 'POST' && path === '/v1/refunds') return refund(params)
    if (method === 'POST' && path === '/v1/customers') return customer(params)
    if (method === 'POST' && path === '/v1/billing_portal/sessions') return portal(params)
    const sub = /^\/v1\/subscriptions\/([^/]+)$/.exec(path)
    if (method === 'GET' && sub) {
      const found = subscriptions.get(sub[1]!)
      if (!found) throw noSuch('subscription', sub[1]!)
      return found
    }
    if (method === 'GET' && path === '/v1/balance_transactions') return listBalance(query)
    throw new StripeError(
      404,
      'invalid_request_error',
      `Unrecognized request URL (${method}: ${path}).`,
    )
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const target = new URL(request.url ?? '/', 'http://stripe.invalid')
    const method = request.method ?? 'GET'
    const send = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') })
      response.end(JSON.stringify(value))
    }
    try {
      if (request.headers.authorization !== `Bearer ${STRIPE_SECRET_KEY}`)
        throw new StripeError(
          401,
          'invalid_request_error',
          'Invalid API Key provided: check the key you gave Stripe.',
        )
      if (
        method === 'POST' &&
        body &&
        !/x-www-form-urlencoded/.test(String(request.headers['content-type']))
      )
        throw invalid('Stripe takes application/x-www-form-urlencoded bodies.')
      const params = parseStripeForm(body)
      requests.push({ method, path: target.pathname, params })
      const failure = failures.get(target.pathname)
      if (failure) {
        failures.delete(target.pathname)
        throw failure
      }
      send(200, route(method, target.pathname, params, target.searchParams))
    } catch (error) {
      if (!(error instanceof StripeError)) {
        send(500, { error: { type: 'api_error', message: (error as Error).message } })
        return
      }
      send(error.status, {
        error: {
          type: error.type,
          message: error.message,
          ...(error.param ? { param: error.param } : {}),
          ...(error.code ? { code: error.code } : {}),
        },
      })
    }
  }

  const server = createServer((request, response) => {
    void handle(request, response)
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: base,
    env: {
      STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET,
      STRIPE_API_URL: base,
    },
    requests,
    checkoutSessions,
    charges,
    refunds,
    customers,
    subscriptions,
    balanceTransactions,
    addPrice(priceId, price) {
      prices.set(priceId, {
        id: priceId,
        object: 'price',
        unit_amount: price.unitAmount,
        currency: price.currency,
        recurring: { interval: price.interval },
      })
    },
    complete(sessionId, options = {}) {
      const session = checkoutSessions.get(sessionId)
      if (!session) throw new Error(`no Checkout Session ${sessionId}`)
      if (session.status === 'expired')
        throw new Error(`Checkout Session ${sessionId} has expired and can no longer be paid`)
      session.status = 'complete'
      if (session.mode === 'subscription') {
        const cus = session.customer ?? customer({ email: session.customer_email }).id
        session.customer = cus
        const priceId = session.line_items_prices[0]
        const subscription = {
          id: id('sub'),
          object: 'subscription',
          customer: cus,
          status: 'active',
          metadata: session.subscription_data_metadata,
          items: {
            object: 'list',
            data: [{ price: prices.get(priceId), current_period_end: now() + 30 * 86400 }],
          },
          created: now(),
        }
        subscriptions.set(subscription.id, subscription)
        session.subscription = subscription.id
        session.payment_status = 'paid'
        return session
      }
      const paymentIntent = id('pi')
      session.payment_intent = paymentIntent
      session.payment_status = options.async ? 'unpaid' : 'paid'
      const charge = {
        id: id('ch'),
        object: 'charge',
        amount: session.amount_total,
        amount_refunded: 0,
        refunded: false,
        currency: session.currency,
        payment_intent: paymentIntent,
        metadata: session.payment_intent_metadata,
        created: now(),
      }
      charges.set(charge.id, charge)
      const fee =
        Math.round(session.amount_total * 0.015) + (ZERO_DECIMAL.has(session.currency) ? 0 : 25)
      balanceTransactions.push({
        id: id('txn'),
        object: 'balance_transaction',
        type: 'charge',
        amount: session.amount_total,
        fee,
        net: session.amount_total - fee,
        currency: session.currency,
        source: charge.id,
        created: now(),
        reporting_category: 'charge',
      })
      return session
    },
    expire: expireSession,
    event(type, object, options = {}) {
      const eventId = options.id ?? id('evt')
      const payload = JSON.stringify({
        id: eventId,
        object: 'event',
        api_version: '2025-11-17.clover',
        created: options.created ?? now(),
        livemode: false,
        type,
        data: { object },
      })
      const header = Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: options.secret ?? STRIPE_WEBHOOK_SECRET,
        ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
      })
      return { id: eventId, payload, header }
    },
    failNext(path, error) {
      failures.set(
        path,
        new StripeError(error.status, error.type, error.message, undefined, error.code),
      )
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}

/** The charge of a completed Checkout Session. */
export function chargeOf(stripe: StripeStandIn, session: StripeObject): StripeObject {
  const charge = [...stripe.charges.values()].find(
    (c) => c.payment_intent === session.payment_intent,
  )
  if (!charge) throw new Error(`no charge for ${session.id}`)
  return charge
}
