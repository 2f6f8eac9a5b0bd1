/**
 * Host plans as data: what each allows, in one table the server enforces and the docs
 * describe (docs/payments.md). A limit that is reached names the plan that lifts it.
 */
export const Plan = { free: 'free', pro: 'pro', event: 'event' } as const
export type Plan = (typeof Plan)[keyof typeof Plan]
export const PLANS = Object.values(Plan)

export interface PlanLimits {
  /** Attendees one session admits; null: no limit. */
  attendeesPerSession: number | null
  /** Whether the host may sell tickets. */
  paidTickets: boolean
  /** Whether presenters may go on the video stage. */
  videoStage: boolean
  /** How many days of a session's analytics the host can read. */
  analyticsRetentionDays: number
}

export const PLAN_LIMITS: Record<Plan, PlanLimits> = {
  free: {
    attendeesPerSession: 100,
    paidTickets: false,
    videoStage: false,
    analyticsRetentionDays: 30,
  },
  pro: {
    attendeesPerSession: 1000,
    paidTickets: true,
    videoStage: true,
    analyticsRetentionDays: 365,
  },
  event: {
    attendeesPerSession: null,
    paidTickets: true,
    videoStage: true,
    analyticsRetentionDays: 730,
  },
}

/** The cheapest plan, in table order, that allows what `allows` asks. */
export function planThatLifts(allows: (limits: PlanLimits) => boolean): Plan | undefined {
  return PLANS.find((plan) => allows(PLAN_LIMITS[plan]))
}

export function isPlan(value: string): value is Plan {
  return (PLANS as readonly string[]).includes(value)
}

/** How long a plan whose renewal failed keeps working while the host fixes the payment. */
export const GRACE_PERIOD_MS = 7 * 24 * 60 * 60 * 1000
