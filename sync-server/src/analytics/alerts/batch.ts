import { ALERT_DEFAULTS, type AlertSettings } from '@podium/shared'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { minuteOf } from '../record/rollup.ts'
import {
  ALERT_WINDOW_MINUTES,
  type AlertListener,
  type AlertRule,
  type AlertWindow,
  EVENT_RULES,
  holds,
  settingsOf,
} from './rules.ts'

/** A minute as the rules read it. */
export interface MinuteFigures {
  peak: number
  end: number
  asked: number
  rejected: number
  videoReports: number
  videoPoor: number
}

const FIGURES = [
  'minute',
  'peak_present',
  'end_present',
  'asked',
  'rejected',
  'video_reports',
  'video_poor',
] as const

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
  private settings = new Map<string, AlertSettings>()
  private readonly fired: Array<{
    sessionId: string
    rule: AlertRule
    firedAt: number
    recoveredAt: number | null
    detail: AlertWindow
  }> = []
  private readonly closed: Array<{
    id: number
    at: number
    sessionId: string
    rule: AlertRule
    detail: AlertWindow
  }> = []

  private constructor() {}

  /** `spans`: per session, the first and last time an event may be evaluated at. */
  static async load(
    k: Kysely<Database>,
    spans: ReadonlyMap<string, { from: number; to: number }>,
  ): Promise<BatchAlerts> {
    const alerts = new BatchAlerts()
    alerts.settings = await settingsOf(k, [...spans.keys()])
    for (const [sessionId, { from, to }] of spans) {
      const first = minuteOf(from) - ALERT_WINDOW_MINUTES + 1
      const [rows, before, open] = await Promise.all([
        k
          .selectFrom('analytics_minutes')
          .select(FIGURES)
          .where('session_id', '=', sessionId)
          .where('minute', '>=', first)
          .where('minute', '<=', minuteOf(to))
          .execute(),
        k
          .selectFrom('analytics_minutes')
          .select(FIGURES)
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
          videoReports: Number(r.video_reports),
          videoPoor: Number(r.video_poor),
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
    const video = { reports: 0, poor: 0 }
    for (let minute = first; minute <= last; minute++) {
      for (const m of [stored.get(minute), changes.get(minute)]) {
        if (!m) continue
        w.peak = Math.max(w.peak, m.peak)
        w.asked += m.asked
        w.rejected += m.rejected
        video.reports += m.videoReports
        video.poor += m.videoPoor
      }
    }
    if (video.reports > 0) w.video = video
    const open = this.open.get(sessionId) ?? new Map<AlertRule, OpenAlert>()
    this.open.set(sessionId, open)
    const s = this.settings.get(sessionId) ?? ALERT_DEFAULTS
    for (const rule of EVENT_RULES) {
      const alert = open.get(rule)
      if (alert) {
        if (holds(rule, w, alert.detail, s)) continue
        open.delete(rule)
        if (alert.id !== null)
          this.closed.push({ id: alert.id, at, sessionId, rule, detail: alert.detail })
        else {
          const mine = this.fired.findLast((f) => f.sessionId === sessionId && f.rule === rule)
          if (mine) mine.recoveredAt = at
        }
      } else if (holds(rule, w, undefined, s)) {
        open.set(rule, { id: null, detail: structuredClone(w) })
        this.fired.push({
          sessionId,
          rule,
          firedAt: at,
          recoveredAt: null,
          detail: structuredClone(w),
        })
      }
    }
  }

  async write(k: Kysely<Database>, listener?: AlertListener | null): Promise<void> {
    for (const { id, at, sessionId, rule, detail } of this.closed) {
      const updated = await k
        .updateTable('analytics_alerts')
        .set({ recovered_at: at })
        .where('id', '=', id)
        .where('recovered_at', 'is', null)
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) > 0)
        await listener?.(k, { sessionId, rule, state: 'recovered', at, detail })
    }
    for (const f of this.fired) {
      const inserted = await k
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
        .returning('id')
        .execute()
      if (inserted.length === 0) continue
      const change = { sessionId: f.sessionId, rule: f.rule, detail: f.detail }
      await listener?.(k, { ...change, state: 'fired', at: f.firedAt })
      if (f.recoveredAt !== null)
        await listener?.(k, { ...change, state: 'recovered', at: f.recoveredAt })
    }
  }
}
