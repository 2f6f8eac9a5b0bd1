import { HttpProblem } from '@podium/shared/server'
import type { Executor } from '../notifications/queue.ts'
import { isPlan, PLAN_LIMITS, type Plan, type PlanLimits, planThatLifts } from './plans.ts'

/** Subscription statuses that keep a plan; past_due keeps it only within the grace period. */
const KEEPS = new Set(['active', 'trialing'])

/** The plan an account has now: its subscription's, or free. */
export async function planOf(trx: Executor, accountId: string | null, now: number): Promise<Plan> {
  if (!accountId) return 'free'
  const row = await trx
    .selectFrom('host_plans')
    .select(['plan', 'status', 'grace_until'])
    .where('account_id', '=', accountId)
    .executeTakeFirst()
  if (!row || !isPlan(row.plan)) return 'free'
  if (KEEPS.has(row.status)) return row.plan
  if (row.status === 'past_due' && row.grace_until !== null && now < Number(row.grace_until))
    return row.plan
  return 'free'
}

/** A limit reached: 403 naming the plan that lifts it. */
export function limitReached(
  plan: Plan,
  what: string,
  allows: (limits: PlanLimits) => boolean,
): HttpProblem {
  const lifts = planThatLifts(allows)
  const advice = lifts
    ? `The ${lifts} plan lifts this limit: the host can change plans in the billing settings.`
    : 'No plan lifts this limit.'
  return HttpProblem.forbidden(`The ${plan} plan ${what}. ${advice}`)
}

export { PLAN_LIMITS }
