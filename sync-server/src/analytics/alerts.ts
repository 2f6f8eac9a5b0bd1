import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { Db } from '../db/connect.ts'
import type { Database } from '../db/schema.ts'
import { minuteOf } from './rollup.ts'

/** What an alert watches for (docs/analytics.md has the thresholds). */
export const AlertRule = {
  participationDrop: 'participation-drop',
  rejectionsSpike: 'rejections-spike',
} as const
export type AlertRule = (typeof AlertRule)[keyof typeof AlertRule]

/** Rules look at the last this many minutes, the current one included. */
export const ALERT_WINDOW_MINUTES = 5
/** A drop counts only from a peak of at least this many people. */
export const DROP_MIN_PEAK = 4
/** A spike is at least this many rejections in the window... */
export const SPIKE_MIN_REJECTED = 5
/** How often open alerts are looked at again (a spike recovers as time passes). */
export const ALERT_CHECK_MS = 30_000

/** A session's last minutes, as the rules see them. */
export interface AlertWindow {
  /** Present now. */
  present: number
  /** The most present at once in the window. */
  peak: number
  asked: number
  rejected: number
}

/**
 * Whether `rule` holds. An open alert's `fired` is the window it fired with: a drop stays
 * open while presence is at most half the peak it fell from.
 */
export function holds(rule: AlertRule, w: AlertWindow, fired?: AlertWindow): boolean {
  switch (rule) {
    case AlertRule.participationDrop:
      if (fired) return w.present * 2 <= fired.peak
      return w.peak >= DROP_MIN_PEAK && w.present * 2 <= w.peak
    case AlertRule.rejectionsSpike:
      // ...and at least half of what was asked.
      return w.rejected >= SPIKE_MIN_REJECTED && w.rejected * 2 >= w.asked
    default: {
      const never: never = rule
      throw new Error(`unknown alert rule ${String(never)}`)
    }
  }
}

/** The window of `sessionId` ending at `now`, from the rollups. */
export async function windowAt(
  k: Kysely<Database>,
  sessionId: string,
  now: number,
): Promise<AlertWindow> {
  const first = minuteOf(now) - ALERT_WINDOW_MINUTES + 1
  const [sums, before, session] = await Promise.all([
    k
      .selectFrom('analytics_minutes')
      .select((eb) => [
        eb.fn.max('peak_present').as('peak'),
        eb.fn.sum<number>('asked').as('asked'),
        eb.fn.sum<number>('rejected').as('rejected'),
      ])
      .where('session_id', '=', sessionId)
      .where('minute', '>=', first)
      .where('minute', '<=', minuteOf(now))
      .executeTakeFirst(),
    k
      .selectFrom('analytics_minutes')
      .select('end_present')
      .where('session_id', '=', sessionId)
      .where('minute', '<', first)
      .orderBy('minute', 'desc')
      .limit(1)
      .executeTakeFirst(),
    k
      .selectFrom('analytics_sessions')
      .select('present')
      .where('session_id', '=', sessionId)
      .executeTakeFirst(),
  ])
  const present = Number(session?.present ?? 0)
  return {
    present,
    peak: Math.max(present, Number(before?.end_present ?? 0), Number(sums?.peak ?? 0)),
    asked: Number(sums?.asked ?? 0),
    rejected: Number(sums?.rejected ?? 0),
  }
}

/**
 * Fires the rules that hold and have no open alert, and closes the open alerts whose
 * rule no longer holds, as of `now`. Returns whether anything changed.
 */
export async function evaluateAlerts(
  k: Kysely<Database>,
  sessionId: string,
  now: number,
): Promise<boolean> {
  const [open, w] = await Promise.all([
    k
      .selectFrom('analytics_alerts')
      .select(['id', 'rule', 'detail'])
      .where('session_id', '=', sessionId)
      .where('recovered_at', 'is', null)
      .execute(),
    windowAt(k, sessionId, now),
  ])
  let changed = false
  for (const rule of Object.values(AlertRule)) {
    const alert = open.find((a) => a.rule === rule)
    if (alert) {
      if (holds(rule, w, JSON.parse(alert.detail) as AlertWindow)) continue
      await k
        .updateTable('analytics_alerts')
        .set({ recovered_at: now })
        .where('id', '=', alert.id)
        .execute()
      changed = true
    } else if (holds(rule, w)) {
      // The unique index on open alerts keeps a second instance from firing it again.
      const inserted = await k
        .insertInto('analytics_alerts')
        .values({ session_id: sessionId, rule, fired_at: now, detail: JSON.stringify(w) })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .execute()
      changed ||= inserted.length > 0
    }
  }
  return changed
}

/** A minute as the rules read it. */
export interface MinuteFigures {
  peak: number
  end: number
  asked: number
  rejected: number
}

interface OpenAlert {
  /** Its row; null when this batch fired it. */
  id: number | null
  detail: AlertWindow
}

/**
 * The alerts of a batch's sessions, evaluated after each event that can move them, in
 * order, as the rollups stand at that event: a batch of events gives the alerts their
 * events one at a time would. Reads the window's rows and the open alerts before the
 * batch; writes what fired and recovered after it.
 */
export class BatchAlerts {
  private readonly stored = new Map<string, Map<number, MinuteFigures>>()
  private readonly open = new Map<string, Map<AlertRule, OpenAlert>>()
  private readonly fired: Array<{
    sessionId: string
    rule: AlertRule
    firedAt: number
    recoveredAt: number | null
    detail: AlertWindow
  }> = []
  private readonly closed: Array<{ id: number; at: number }> = []

  private constructor() {}

  /** `spans`: per session, the first and last time an event may be evaluated at. */
  static async load(
    k: Kysely<Database>,
    spans: ReadonlyMap<string, { from: number; to: number }>,
  ): Promise<BatchAlerts> {
    const alerts = new BatchAlerts()
    for (const [sessionId, { from, to }] of spans) {
      const first = minuteOf(from) - ALERT_WINDOW_MINUTES + 1
      const [rows, before, open] = await Promise.all([
        k
          .selectFrom('analytics_minutes')
          .select(['minute', 'peak_present', 'end_present', 'asked', 'rejected'])
          .where('session_id', '=', sessionId)
          .where('minute', '>=', first)
          .where('minute', '<=', minuteOf(to))
          .execute(),
        k
          .selectFrom('analytics_minutes')
          .select(['minute', 'peak_present', 'end_present', 'asked', 'rejected'])
          .where('session_id', '=', sessionId)
          .where('minute', '<', first)
          .orderBy('minute', 'desc')
          .limit(1)
          .execute(),
        k
          .selectFrom('analytics_alerts')
          .select(['id', 'rule', 'detail'])
          .where('session_id', '=', sessionId)
          .where('recovered_at', 'is', null)
          .execute(),
      ])
      const minutes = new Map<number, MinuteFigures>()
      for (const r of [...before, ...rows])
        minutes.set(Number(r.minute), {
          peak: Number(r.peak_present),
          end: Number(r.end_present),
          asked: Number(r.asked),
          rejected: Number(r.rejected),
        })
      alerts.stored.set(sessionId, minutes)
      alerts.open.set(
        sessionId,
        new Map(
          open.map((a) => [
            a.rule as AlertRule,
            { id: a.id, detail: JSON.parse(a.detail) as AlertWindow },
          ]),
        ),
      )
    }
    return alerts
  }

  /**
   * Evaluates the rules at `at`, given the batch's changes to the minutes so far and who
   * is present now.
   */
  evaluate(
    sessionId: string,
    at: number,
    present: number,
    changes: ReadonlyMap<number, MinuteFigures>,
  ): void {
    const stored = this.stored.get(sessionId) ?? new Map<number, MinuteFigures>()
    const last = minuteOf(at)
    const first = last - ALERT_WINDOW_MINUTES + 1
    const w: AlertWindow = { present, peak: present, asked: 0, rejected: 0 }
    // The window starts at the level the latest minute before it ended with.
    let beforeMinute = Number.NEGATIVE_INFINITY
    let before = 0
    for (const source of [stored, changes])
      for (const [minute, m] of source)
        if (minute < first && minute >= beforeMinute) [beforeMinute, before] = [minute, m.end]
    w.peak = Math.max(w.peak, before)
    for (let minute = first; minute <= last; minute++) {
      for (const m of [stored.get(minute), changes.get(minute)]) {
        if (!m) continue
        w.peak = Math.max(w.peak, m.peak)
        w.asked += m.asked
        w.rejected += m.rejected
      }
    }
    const open = this.open.get(sessionId) ?? new Map<AlertRule, OpenAlert>()
    this.open.set(sessionId, open)
    for (const rule of Object.values(AlertRule)) {
      const alert = open.get(rule)
      if (alert) {
        if (holds(rule, w, alert.detail)) continue
        open.delete(rule)
        if (alert.id !== null) this.closed.push({ id: alert.id, at })
        else {
          const mine = this.fired.findLast((f) => f.sessionId === sessionId && f.rule === rule)
          if (mine) mine.recoveredAt = at
        }
      } else if (holds(rule, w)) {
        open.set(rule, { id: null, detail: { ...w } })
        this.fired.push({ sessionId, rule, firedAt: at, recoveredAt: null, detail: { ...w } })
      }
    }
  }

  async write(k: Kysely<Database>): Promise<void> {
    for (const { id, at } of this.closed)
      await k
        .updateTable('analytics_alerts')
        .set({ recovered_at: at })
        .where('id', '=', id)
        .execute()
    for (const f of this.fired)
      await k
        .insertInto('analytics_alerts')
        .values({
          session_id: f.sessionId,
          rule: f.rule,
          fired_at: f.firedAt,
          recovered_at: f.recoveredAt,
          detail: JSON.stringify(f.detail),
        })
        // The unique index on open alerts keeps a second instance from firing it again.
        .onConflict((oc) => oc.doNothing())
        .execute()
  }
}

/**
 * Looks at sessions with open alerts every ALERT_CHECK_MS, so an alert that recovers as
 * time passes (a spike that ages out of the window) says so without waiting for an event.
 */
export class AlertWatch {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<unknown> | null = null

  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
    private readonly log: Logger,
    /** Told which sessions' alerts changed. */
    private readonly changed: (sessionIds: string[]) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return
      this.running = this.run()
        .catch((error: unknown) => this.log.error({ err: error }, 'checking alerts failed'))
        .finally(() => {
          this.running = null
        })
    }, ALERT_CHECK_MS)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running
  }

  /** Checks every session with an open alert now; returns those whose alerts changed. */
  async run(): Promise<string[]> {
    const k = this.db.kysely
    const rows = await k
      .selectFrom('analytics_alerts')
      .select('session_id')
      .distinct()
      .where('recovered_at', 'is', null)
      .execute()
    const now = this.clock()
    const changed: string[] = []
    for (const { session_id } of rows) {
      const moved = await k.transaction().execute((trx) => evaluateAlerts(trx, session_id, now))
      if (moved) changed.push(session_id)
    }
    if (changed.length > 0) this.changed(changed)
    return changed
  }
}

/** A session's alerts, oldest first. */
export async function alertsOf(k: Kysely<Database>, sessionId: string) {
  const rows = await k
    .selectFrom('analytics_alerts')
    .select(['rule', 'fired_at', 'recovered_at', 'detail'])
    .where('session_id', '=', sessionId)
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    rule: r.rule as AlertRule,
    firedAt: Number(r.fired_at),
    recoveredAt: r.recovered_at === null ? null : Number(r.recovered_at),
    detail: JSON.parse(r.detail) as AlertWindow,
  }))
}
