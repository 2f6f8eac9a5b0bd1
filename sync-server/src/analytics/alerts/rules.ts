import { ALERT_DEFAULTS, type AlertSettings } from '@podium/shared'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { minuteOf } from '../record/rollup.ts'

/** What an alert watches for (docs/analytics.md has the thresholds). */
export const AlertRule = {
  participationDrop: 'participation-drop',
  rejectionsSpike: 'rejections-spike',
  queueAge: 'queue-age',
  poorVideo: 'poor-video',
} as const
export type AlertRule = (typeof AlertRule)[keyof typeof AlertRule]

/**
 * Rules evaluated at each event that can move them, as a batch is recorded. The queue's
 * age moves with time alone: the watch looks at it (and at every open alert) every
 * ALERT_CHECK_MS.
 */
export const EVENT_RULES: readonly AlertRule[] = [
  AlertRule.participationDrop,
  AlertRule.rejectionsSpike,
  AlertRule.poorVideo,
]

/** Rules look at the last this many minutes, the current one included. */
export const ALERT_WINDOW_MINUTES = 5
/** How often open alerts are looked at again (a spike recovers as time passes). */
export const ALERT_CHECK_MS = 30_000
/** The least a session may set the queue's age to: the watch looks for waits this long. */
export const QUEUE_AGE_MIN_MS = 60_000
/** A question waiting longer than this belongs to a session that is over: not counted. */
export const QUEUE_STALE_MS = 12 * 60 * 60_000
/** Poor video counts only from this many quality reports in the window. */
export const POOR_VIDEO_MIN_REPORTS = 3

/** An alert that fired or recovered, told to the listener in the transaction that wrote it. */
export interface AlertChange {
  sessionId: string
  rule: AlertRule
  state: 'fired' | 'recovered'
  at: number
  /** The window it fired with. */
  detail: AlertWindow
}

/**
 * Told of each alert that fired or recovered, inside the transaction that wrote it: what
 * it writes (a queued notification) commits with the alert, so each change is told once.
 */
export type AlertListener = (k: Kysely<Database>, change: AlertChange) => Promise<void>

/** A session's last minutes, as the rules see them. */
export interface AlertWindow {
  /** Present now. */
  present: number
  /** The most present at once in the window. */
  peak: number
  asked: number
  rejected: number
  /** Video quality reports in the window, and the poor ones (only when any came). */
  video?: { reports: number; poor: number }
  /** Questions waiting for a moderator, and how long the oldest has (only when any wait). */
  queue?: { waiting: number; oldestMs: number }
}

/**
 * Whether `rule` holds. An open alert's `fired` is the window it fired with: a drop stays
 * open while presence is at most half the peak it fell from.
 */
export function holds(
  rule: AlertRule,
  w: AlertWindow,
  fired?: AlertWindow,
  s: AlertSettings = ALERT_DEFAULTS,
): boolean {
  // A rule the session turned off holds never (an open alert of it recovers).
  if (s.off.includes(rule)) return false
  switch (rule) {
    case AlertRule.participationDrop:
      if (fired) return w.present * 2 <= fired.peak
      return w.peak >= s.dropMinPeak && w.present * 2 <= w.peak
    case AlertRule.rejectionsSpike:
      // ...and at least half of what was asked.
      return w.rejected >= s.spikeMinRejected && w.rejected * 2 >= w.asked
    case AlertRule.queueAge:
      return (w.queue?.oldestMs ?? 0) >= s.queueAgeMinutes * 60_000
    case AlertRule.poorVideo:
      return (
        w.video !== undefined &&
        w.video.reports >= POOR_VIDEO_MIN_REPORTS &&
        w.video.poor * 100 > w.video.reports * s.poorVideoPercent
      )
    default: {
      const never: never = rule
      throw new Error(`unknown alert rule ${String(never)}`)
    }
  }
}

/** Each of these sessions' alert settings: its own, or the defaults. */
export async function settingsOf(
  k: Kysely<Database>,
  sessionIds: readonly string[],
): Promise<Map<string, AlertSettings>> {
  const settings = new Map<string, AlertSettings>(sessionIds.map((id) => [id, ALERT_DEFAULTS]))
  if (sessionIds.length === 0) return settings
  const rows = await k
    .selectFrom('analytics_alert_settings')
    .select(['session_id', 'settings'])
    .where('session_id', 'in', sessionIds)
    .execute()
  for (const r of rows)
    settings.set(r.session_id, { ...ALERT_DEFAULTS, ...(JSON.parse(r.settings) as AlertSettings) })
  return settings
}

/** The window of `sessionId` ending at `now`, from the rollups. */
export async function windowAt(
  k: Kysely<Database>,
  sessionId: string,
  now: number,
): Promise<AlertWindow> {
  const first = minuteOf(now) - ALERT_WINDOW_MINUTES + 1
  const [sums, before, session, queue] = await Promise.all([
    k
      .selectFrom('analytics_minutes')
      .select((eb) => [
        eb.fn.max('peak_present').as('peak'),
        eb.fn.sum<number>('asked').as('asked'),
        eb.fn.sum<number>('rejected').as('rejected'),
        eb.fn.sum<number>('video_reports').as('videoReports'),
        eb.fn.sum<number>('video_poor').as('videoPoor'),
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
    waiting(k, now)
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('asked_at').as('oldest')])
      .where('session_id', '=', sessionId)
      .executeTakeFirst(),
  ])
  const present = Number(session?.present ?? 0)
  const w: AlertWindow = {
    present,
    peak: Math.max(present, Number(before?.end_present ?? 0), Number(sums?.peak ?? 0)),
    asked: Number(sums?.asked ?? 0),
    rejected: Number(sums?.rejected ?? 0),
  }
  const reports = Number(sums?.videoReports ?? 0)
  if (reports > 0) w.video = { reports, poor: Number(sums?.videoPoor ?? 0) }
  const waitingNow = Number(queue?.n ?? 0)
  if (waitingNow > 0)
    w.queue = { waiting: waitingNow, oldestMs: Math.max(0, now - Number(queue?.oldest)) }
  return w
}

/**
 * Questions waiting for a moderator at `now`: asked, neither published, rejected nor
 * withdrawn, and asked within QUEUE_STALE_MS.
 */
export function waiting(k: Kysely<Database>, now: number) {
  return k
    .selectFrom('analytics_questions')
    .where('published_at', 'is', null)
    .where('rejected_at', 'is', null)
    .where('withdrawn_at', 'is', null)
    .where('asked_at', '>=', now - QUEUE_STALE_MS)
    .where('asked_at', '<=', now)
}

/**
 * Fires the rules that hold and have no open alert, and closes the open alerts whose
 * rule no longer holds, as of `now`. Returns whether anything changed.
 */
export async function evaluateAlerts(
  k: Kysely<Database>,
  sessionId: string,
  now: number,
  listener?: AlertListener | null,
): Promise<boolean> {
  const [open, w, settings] = await Promise.all([
    k
      .selectFrom('analytics_alerts')
      .select(['id', 'rule', 'detail'])
      .where('session_id', '=', sessionId)
      .where('recovered_at', 'is', null)
      .execute(),
    windowAt(k, sessionId, now),
    settingsOf(k, [sessionId]),
  ])
  const s = settings.get(sessionId) ?? ALERT_DEFAULTS
  let changed = false
  for (const rule of Object.values(AlertRule)) {
    const alert = open.find((a) => a.rule === rule)
    if (alert) {
      const detail = JSON.parse(alert.detail) as AlertWindow
      if (holds(rule, w, detail, s)) continue
      const updated = await k
        .updateTable('analytics_alerts')
        .set({ recovered_at: now })
        .where('id', '=', alert.id)
        .where('recovered_at', 'is', null)
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) === 0) continue
      changed = true
      await listener?.(k, { sessionId, rule, state: 'recovered', at: now, detail })
    } else if (holds(rule, w, undefined, s)) {
      // The unique index on open alerts keeps a second instance from firing it again.
      const inserted = await k
        .insertInto('analytics_alerts')
        .values({ session_id: sessionId, rule, fired_at: now, detail: JSON.stringify(w) })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .execute()
      if (inserted.length === 0) continue
      changed = true
      await listener?.(k, { sessionId, rule, state: 'fired', at: now, detail: w })
    }
  }
  return changed
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
