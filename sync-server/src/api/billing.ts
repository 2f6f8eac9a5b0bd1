import { PlanCheckoutBody } from '@podium/shared'
import { checkMetricsAccess } from '@podium/shared/server'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { requireAccount } from '../auth/account-access.ts'
import { planOf } from '../billing/host-plans.ts'
import { planCheckout, portalSession } from '../billing/plan-checkout.ts'
import { PLAN_LIMITS, PLANS } from '../billing/plans.ts'
import { reconcile, salesCsv, salesReport } from '../billing/report.ts'
import { stripeProblem } from '../billing/stripe.ts'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'
import { accountRoute, openRoute } from './access.ts'

const DAY_MS = 24 * 60 * 60 * 1000

const Period = z
  .strictObject({
    from: z.coerce
      .number({ error: 'from is a time in milliseconds since 1970' })
      .int()
      .min(0)
      .optional(),
    to: z.coerce
      .number({ error: 'to is a time in milliseconds since 1970' })
      .int()
      .min(0)
      .optional(),
  })
  .refine((p) => p.from === undefined || p.to === undefined || p.from < p.to, {
    message: 'from must be before to',
  })

/** The operator's period: ?from=&to= (milliseconds), the last 30 days by default. */
function periodOf(request: FastifyRequest, now: number) {
  const p = parse(Period, request.query, 'query')
  const to = p.to ?? now
  return { from: p.from ?? to - 30 * DAY_MS, to }
}

/** Host plans: what is offered, the account's plan, Checkout for one, the Customer Portal. */
export async function billingRoutes(api: FastifyInstance, services: Services) {
  const { billing, db, clock } = services

  api.get('/billing', openRoute, async () => ({
    payments: billing.configured,
    plans: billing.configured
      ? PLANS.map((plan) => ({
          plan,
          limits: PLAN_LIMITS[plan],
          monthly: plan === 'free' || Boolean(billing.payments?.prices[plan]?.monthly),
          yearly: plan === 'free' || Boolean(billing.payments?.prices[plan]?.yearly),
        }))
      : [],
  }))

  api.get('/billing/plan', accountRoute, async (request) => {
    billing.stripe()
    const { account } = await requireAccount(request, services)
    const plan = await planOf(db.kysely, account.id, clock())
    const row = await db.kysely
      .selectFrom('host_plans')
      .select(['status', 'period_end', 'grace_until'])
      .where('account_id', '=', account.id)
      .executeTakeFirst()
    return {
      plan,
      limits: PLAN_LIMITS[plan],
      status: row?.status ?? 'none',
      periodEnd: row?.period_end == null ? null : Number(row.period_end),
      graceUntil: row?.grace_until == null ? null : Number(row.grace_until),
    }
  })

  api.post('/billing/checkout', accountRoute, async (request) => {
    const stripe = billing.stripe()
    const { account } = await requireAccount(request, services)
    const body = parse(PlanCheckoutBody, request.body)
    const url = await planCheckout(db, stripe, billing.payments!, {
      account,
      plan: body.plan,
      interval: body.interval ?? 'monthly',
      baseUrl: services.publicUrl(request),
      now: clock(),
    })
    return { url }
  })

  api.post('/billing/portal', accountRoute, async (request) => {
    const stripe = billing.stripe()
    const { account } = await requireAccount(request, services)
    const url = await portalSession(
      db,
      stripe,
      account,
      `${services.publicUrl(request)}/account`,
      clock(),
    )
    return { url }
  })

  // The operator's view of the instance (METRICS_TOKEN, or this machine, as /metrics).
  const operator = (request: FastifyRequest) =>
    checkMetricsAccess(request, services.config.metricsToken)

  api.get('/billing/report', openRoute, async (request) => {
    billing.stripe()
    operator(request)
    return salesReport(db, periodOf(request, clock()))
  })

  api.get('/billing/report.csv', openRoute, async (request, reply) => {
    billing.stripe()
    operator(request)
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="sales.csv"')
      .send(await salesCsv(db, periodOf(request, clock())))
  })

  api.get('/billing/reconcile', openRoute, async (request) => {
    const stripe = billing.stripe()
    operator(request)
    const { from, to } = periodOf(request, clock())
    try {
      return await reconcile(db, stripe, from, to)
    } catch (error) {
      throw stripeProblem(error, 'listing the balance transactions')
    }
  })
}
