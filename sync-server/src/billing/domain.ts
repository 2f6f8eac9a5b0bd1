import type { Role, TicketOffer, TicketSettings } from '@podium/shared'
import { HttpProblem } from '@podium/shared/server'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type Stripe from 'stripe'
import type { Account } from '../auth/accounts.ts'
import type { Withdrawals } from '../auth/standing.ts'
import type { Config } from '../config.ts'
import type { Db } from '../db/connect.ts'
import type { Notifications } from '../notifications/domain.ts'
import { ticketCheckout } from './checkout.ts'
import type { PaymentsConfig } from './config.ts'
import { limitReached, planOf } from './host-plans.ts'
import { type WebhookMetrics, webhookMetrics } from './metrics.ts'
import { Offers, salesState, settingsOf } from './offers.ts'
import { PLAN_LIMITS, type Plan } from './plans.ts'
import { type RefundRequest, requestRefund } from './refunds.ts'
import { notConfigured, stripeClient } from './stripe.ts'
import { compTicket, type Effects, holdsTicket } from './tickets.ts'
import { receiveEvent, WebhookWorker } from './webhooks.ts'

export interface BillingDeps {
  config: Config
  db: Db
  log: Logger
  clock: () => number
  instanceId: string
  notifications: Notifications
  withdrawals: Withdrawals
  /** Where the webhook queue's metrics go (the server's /metrics); without it, nowhere. */
  registry?: Registry
}

export interface BillingOptions {
  /** How often each instance looks for Stripe events to handle (default 1 s). */
  pollMs?: number
}

/**
 * Payments (see docs/payments.md): paid sessions' tickets and seats, Checkout, refunds,
 * host plans and their limits, and Stripe's webhooks through a durable queue. Without
 * Stripe keys nothing here is offered and the routes answer 501.
 */
export class Billing {
  readonly offers: Offers
  readonly payments: PaymentsConfig | undefined
  readonly worker: WebhookWorker
  private readonly metrics: WebhookMetrics | undefined
  private client: Stripe | undefined

  constructor(
    private readonly deps: BillingDeps,
    options: BillingOptions = {},
  ) {
    this.payments = deps.config.payments
    this.offers = new Offers(deps.db, deps.clock)
    this.metrics = deps.registry ? webhookMetrics(deps.registry, deps.db) : undefined
    const metrics = this.metrics
    this.worker = new WebhookWorker({
      db: deps.db,
      log: deps.log,
      clock: deps.clock,
      instanceId: deps.instanceId,
      context: () => ({
        notifier: deps.notifications.notifier,
        planOfPrice: (priceId) => this.planOfPrice(priceId),
      }),
      after: (effects) => this.after(effects),
      failed: (final) => metrics?.failures.labels(final ? 'failed' : 'retried').inc(),
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    })
  }

  /** Loads the SDK when payments are configured (before the routes are served). */
  async init(): Promise<void> {
    if (this.payments) this.client = await stripeClient(this.payments)
  }

  get configured(): boolean {
    return this.payments !== undefined
  }

  /** The SDK; 501 "payments are not configured" on a server without keys. */
  stripe(): Stripe {
    if (!this.client) throw notConfigured()
    return this.client
  }

  start(): void {
    if (this.configured) this.worker.start()
  }

  async stop(): Promise<void> {
    await this.worker.stop()
  }

  planOfPrice(priceId: string): Plan | undefined {
    for (const [plan, ids] of Object.entries(this.payments?.prices ?? {}))
      if (ids?.monthly === priceId || ids?.yearly === priceId) return plan as Plan
    return undefined
  }

  /** The plan of the session's owner (free for a guest host, or without payments). */
  async ownerPlan(sessionId: string): Promise<Plan> {
    const row = await this.deps.db.kysely
      .selectFrom('sessions')
      .select('owner_account_id')
      .where('id', '=', sessionId)
      .executeTakeFirst()
    return planOf(this.deps.db.kysely, row?.owner_account_id ?? null, this.deps.clock())
  }

  async ticketSettings(sessionId: string): Promise<TicketSettings | null> {
    if (!this.configured) return null
    const row = await this.offers.of(this.deps.db.kysely, sessionId)
    return row ? settingsOf(row) : null
  }

  /** The host sets or removes the ticket; selling needs a plan that allows paid tickets. */
  async setTicket(sessionId: string, ticket: TicketSettings | null): Promise<void> {
    this.stripe()
    if (ticket !== null) {
      const plan = await this.ownerPlan(sessionId)
      if (!PLAN_LIMITS[plan].paidTickets)
        throw limitReached(plan, 'does not sell tickets', (l) => l.paidTickets)
    }
    await this.offers.set(sessionId, ticket)
  }

  /** The join page's view of a paid session's ticket; null for a free one. */
  async offerByCode(code: string): Promise<TicketOffer | null> {
    if (!this.configured) return null
    const session = await this.deps.db.kysely
      .selectFrom('sessions')
      .select(['id', 'title', 'status'])
      .where('code', '=', code)
      .executeTakeFirst()
    if (!session)
      throw HttpProblem.notFound(`No session has the code ${code}. Check the code and try again.`)
    const row = await this.offers.of(this.deps.db.kysely, session.id)
    if (!row) return null
    const taken = await this.offers.seatsTaken(this.deps.db.kysely, session.id)
    const seatsLeft = row.capacity === null ? null : Math.max(0, row.capacity - taken)
    const ticket = settingsOf(row)
    return {
      sessionId: session.id,
      title: session.title,
      amount: ticket.amount,
      currency: ticket.currency,
      prices: ticket.prices ?? {},
      capacity: row.capacity,
      seatsLeft,
      salesStart: ticket.salesStart ?? null,
      salesEnd: ticket.salesEnd ?? null,
      sales: salesState(row, session.status, this.deps.clock(), seatsLeft),
    }
  }

  async checkout(input: {
    sessionId: string
    account: Account
    currency: string | undefined
    baseUrl: string
  }): Promise<string> {
    const stripe = this.stripe()
    const { db } = this.deps
    const session = await db.kysely
      .selectFrom('sessions')
      .select(['id', 'code', 'title', 'status'])
      .where('id', '=', input.sessionId)
      .executeTakeFirst()
    if (!session) throw HttpProblem.notFound(`There is no session ${input.sessionId}.`)
    const member = await db.kysely
      .selectFrom('users')
      .select('role')
      .where('session_id', '=', session.id)
      .where('account_id', '=', input.account.id)
      .where('role', '!=', 'attendee')
      .executeTakeFirst()
    return ticketCheckout(
      {
        db,
        offers: this.offers,
        stripe,
        clock: this.deps.clock,
        automaticTax: this.payments!.automaticTax,
      },
      {
        session,
        account: input.account,
        role: member?.role as Role | undefined,
        currency: input.currency,
        joinUrl: `${input.baseUrl}/j/${session.code}`,
      },
    )
  }

  /**
   * Whether someone may join as an attendee: in a paid session, signed in with a ticket
   * (402 otherwise); in any session, within the owner's plan's attendee limit.
   */
  async admit(sessionId: string, account: Account | undefined, newcomer: boolean): Promise<void> {
    if (!this.configured) return
    const { db } = this.deps
    if (await this.offers.isPaid(sessionId)) {
      const holds = account ? await holdsTicket(db.kysely, sessionId, account) : false
      if (!holds)
        throw new HttpProblem(
          402,
          'Payment required',
          `This session needs a ticket. ${account ? '' : 'Sign in, then '}buy one with POST /api/sessions/${sessionId}/checkout, and join again once it is paid.`,
        )
    }
    if (!newcomer) return
    const plan = await this.ownerPlan(sessionId)
    const cap = PLAN_LIMITS[plan].attendeesPerSession
    if (cap === null) return
    const count = await db.kysely
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('session_id', '=', sessionId)
      .where('role', '=', 'attendee')
      .executeTakeFirstOrThrow()
    if (Number(count.n) >= cap)
      throw limitReached(
        plan,
        `admits ${cap} attendees per session, and this session has them`,
        (l) => l.attendeesPerSession === null || l.attendeesPerSession > cap,
      )
  }

  /**
   * A report reaching further back than the owner's plan keeps analytics: 403 naming the
   * plan that keeps them longer. Without payments nothing is limited.
   */
  async checkAnalyticsWindow(sessionId: string, from: number | undefined): Promise<void> {
    if (!this.configured || from === undefined) return
    const plan = await this.ownerPlan(sessionId)
    const days = PLAN_LIMITS[plan].analyticsRetentionDays
    if (from < this.deps.clock() - days * 24 * 60 * 60 * 1000)
      throw limitReached(
        plan,
        `shows ${days} days of analytics, and this report starts earlier`,
        (l) => l.analyticsRetentionDays > days,
      )
  }

  /**
   * Why the session may not have a video stage (its owner's plan has none), in the words
   * of a plan limit; null when it may, and always without payments.
   */
  async stageRefusal(sessionId: string): Promise<string | null> {
    if (!this.configured) return null
    const plan = await this.ownerPlan(sessionId)
    if (PLAN_LIMITS[plan].videoStage) return null
    return limitReached(plan, 'has no video stage', (l) => l.videoStage).detail
  }

  /** Whether an attendee's participant still holds the ticket of a paid session. */
  async attendeeStands(sessionId: string, userId: string): Promise<boolean> {
    if (!this.configured || !(await this.offers.isPaid(sessionId))) return true
    const row = await this.deps.db.kysely
      .selectFrom('users')
      .innerJoin('accounts', 'accounts.id', 'users.account_id')
      .select(['accounts.id as id', 'accounts.email as email'])
      .where('users.id', '=', userId)
      .where('users.session_id', '=', sessionId)
      .executeTakeFirst()
    return row ? holdsTicket(this.deps.db.kysely, sessionId, row) : false
  }

  async comp(sessionId: string, email: string): Promise<{ id: string; created: boolean }> {
    this.stripe()
    const { db, notifications, clock } = this.deps
    const made = await db.kysely
      .transaction()
      .execute((trx) => compTicket(trx, notifications.notifier, sessionId, email, clock()))
    await this.after({ withdraw: [], notify: made.notify ? [made.notify] : [] })
    return { id: made.id, created: made.created }
  }

  async refund(input: RefundRequest) {
    return requestRefund(this.deps.db, this.stripe(), input, this.deps.clock())
  }

  /** Stores a signed webhook event and wakes the queue; see webhooks.ts. */
  async receive(body: Buffer, signature: string | undefined) {
    const stored = await receiveEvent(
      this.deps.db,
      this.stripe(),
      this.payments!.webhookSecret,
      body,
      signature,
      this.deps.clock(),
      (reason) => this.metrics?.refused.labels(reason).inc(),
    )
    if (!stored.duplicate && stored.handled) this.worker.kick()
    return stored
  }

  private async after(effects: Effects): Promise<void> {
    for (const userId of effects.withdraw) await this.deps.withdrawals.withdraw(userId)
    if (effects.notify.length > 0) await this.deps.notifications.sendNow(effects.notify)
  }
}
