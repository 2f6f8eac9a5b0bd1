import {
  ALERT_DEFAULTS,
  type AlertSettings,
  type AlertSettingsView,
  type AnalyticsExportQuery,
  type AnalyticsQuery,
  type AnalyticsReport,
  type AnalyticsTotals,
  type Engagement,
  VIDEO_REPORT_INTERVAL_MS,
  type VideoQualitySample,
} from '@podium/shared'
import { HttpProblem } from '@podium/shared/server'
import type { Logger } from 'pino'
import type { Db } from '../db/connect.ts'
import type { EventBus } from '../events/bus.ts'
import { EventLog } from '../events/log.ts'
import { EventType } from '../events/types.ts'
import { type AlertListener, alertsOf, evaluateAlerts, settingsOf } from './alerts/rules.ts'
import { AlertWatch } from './alerts/watch.ts'
import { EventRecorder } from './record/record.ts'
import { MINUTE_MS } from './record/rollup.ts'
import {
  asCsv,
  asJson,
  EVENT_COLUMNS,
  eventPages,
  ROLLUP_COLUMNS,
  rollupPages,
} from './report/export.ts'
import { LiveFeed } from './report/live.ts'
import { resolveRange } from './report/range.ts'
import { AnalyticsReader } from './report/report.ts'
import { AnalyticsRetention } from './retention.ts'

/** Recording runs at most this often (see start). */
export const RECORD_EVERY_MS = 250

/** The event subscriber's name (its cursor's key in `event_cursors`). */
export const ANALYTICS_SUBSCRIBER = 'analytics'

export interface AnalyticsOptions {
  db: Db
  events: EventBus
  log: Logger
  /** ANALYTICS_RETENTION_DAYS */
  retentionDays: number
  clock: () => number
}

/** A session as analytics needs it: its id and when it was made. */
export interface SessionRef {
  id: string
  created_at: number
}

/**
 * Analytics: records every domain event as a row and into its minute's rollup (in the
 * event bus's transaction, so exactly once), answers reports from the rollups, streams
 * exports and live figures, watches the alert rules, and deletes raw events past the
 * retention.
 */
export class Analytics {
  readonly reader: AnalyticsReader
  /** Live figures of watched sessions, pushed as events are recorded. */
  readonly live: LiveFeed
  private readonly retention: AnalyticsRetention
  private readonly alerts: AlertWatch
  private alertListener: AlertListener | null = null
  private readonly eventLog: EventLog
  /** When each person of each session last reported video quality (this instance). */
  private readonly lastVideoReport = new Map<string, number>()

  constructor(private readonly options: AnalyticsOptions) {
    this.reader = new AnalyticsReader(options.db)
    this.eventLog = new EventLog(options.db)
    this.live = new LiveFeed((sessionId) => this.reader.live(sessionId), options.log)
    this.alerts = new AlertWatch(
      options.db,
      options.clock,
      options.log,
      (ids) => this.live.changed(ids),
      () => this.alertListener,
    )
    this.retention = new AnalyticsRetention({
      db: options.db,
      days: options.retentionDays,
      log: options.log,
      clock: options.clock,
    })
  }

  /**
   * Subscribes to the events (every one stored, the first time) and starts the jobs.
   * Recording runs at most every RECORD_EVERY_MS: a vote storm's ticks are recorded a few
   * hundred events at once instead of a tick's at a time (a batch costs about the same
   * whether it holds 25 events or 200), and nothing shows sooner anyway (the live figures
   * are pushed at most once a second).
   */
  start(): void {
    const { db, events } = this.options
    const recorder = new EventRecorder(db.dialect, () => this.alertListener)
    events.subscribeBatch(ANALYTICS_SUBSCRIBER, (batch, trx) => recorder.record(batch, trx), {
      from: 'start',
      minIntervalMs: RECORD_EVERY_MS,
      committed: (batch) => {
        recorder.committed()
        this.live.committed(batch)
      },
    })
    this.retention.start()
    this.alerts.start()
  }

  async stop(): Promise<void> {
    this.live.close()
    await this.alerts.stop()
    await this.retention.stop()
  }

  /**
   * Who is told when an alert fires or recovers (the notifications domain, which queues
   * a message to the host), inside the transaction that records it.
   */
  onAlert(listener: AlertListener): void {
    this.alertListener = listener
  }

  /**
   * A viewer's video quality reports, one per watched feed, stored as `video.quality`
   * events (recorded like every other). Returns how long to wait instead when the same
   * person reported less than half an interval ago (a browser reports once a minute).
   */
  async reportVideo(
    sessionId: string,
    userId: string,
    reports: readonly VideoQualitySample[],
  ): Promise<{ retryAfterMs: number } | null> {
    const now = this.options.clock()
    const k = `${sessionId}\u0000${userId}`
    const last = this.lastVideoReport.get(k)
    const soonest = last === undefined ? now : last + VIDEO_REPORT_INTERVAL_MS / 2
    if (now < soonest) return { retryAfterMs: soonest - now }
    this.lastVideoReport.set(k, now)
    if (this.lastVideoReport.size > 100_000) {
      for (const [key, at] of this.lastVideoReport)
        if (at < now - VIDEO_REPORT_INTERVAL_MS) this.lastVideoReport.delete(key)
    }
    await this.options.db.kysely.transaction().execute((trx) =>
      this.eventLog.append(
        trx,
        reports.map((r) => ({ type: EventType.videoQuality, sessionId, at: now, userId, ...r })),
      ),
    )
    this.options.events.committed()
    return null
  }

  /** A session's alert rules: its own settings and the defaults. */
  async alertSettings(sessionId: string): Promise<AlertSettingsView> {
    const settings = await settingsOf(this.options.db.kysely, [sessionId])
    return { settings: settings.get(sessionId) ?? ALERT_DEFAULTS, defaults: ALERT_DEFAULTS }
  }

  /**
   * Changes some of a session's alert settings, and looks at its alerts with them at once
   * (a rule turned off, or a threshold passed, fires or recovers now, told as any other).
   */
  async setAlertSettings(
    sessionId: string,
    patch: Partial<AlertSettings>,
  ): Promise<AlertSettingsView> {
    const now = this.options.clock()
    const changed = await this.options.db.kysely.transaction().execute(async (trx) => {
      const current = (await settingsOf(trx, [sessionId])).get(sessionId) ?? ALERT_DEFAULTS
      const settings = { ...current, ...patch, off: [...new Set(patch.off ?? current.off)] }
      await trx
        .insertInto('analytics_alert_settings')
        .values({ session_id: sessionId, settings: JSON.stringify(settings), updated_at: now })
        .onConflict((oc) =>
          oc
            .column('session_id')
            .doUpdateSet({ settings: JSON.stringify(settings), updated_at: now }),
        )
        .execute()
      return evaluateAlerts(trx, sessionId, now, this.alertListener)
    })
    if (changed) this.live.changed([sessionId])
    return this.alertSettings(sessionId)
  }

  /** Looks at open alerts now (a job does it every 30 s); returns sessions whose changed. */
  checkAlerts(): Promise<string[]> {
    return this.alerts.run()
  }

  /**
   * A deleted account's participants: their recorded events and questions lose who did
   * them (the counts stay, so the sessions' figures do not change).
   */
  async forget(participants: ReadonlyArray<{ sessionId: string; userId: string }>): Promise<void> {
    const { db } = this.options
    for (const { sessionId, userId } of participants) {
      await db.kysely
        .updateTable('analytics_events')
        .set({ participant_id: null })
        .where('session_id', '=', sessionId)
        .where('participant_id', '=', userId)
        .execute()
      await db.kysely
        .updateTable('analytics_questions')
        .set({ author_id: null })
        .where('session_id', '=', sessionId)
        .where('author_id', '=', userId)
        .execute()
    }
  }

  /** Deletes raw events past the retention now (the daily job does it too). */
  deleteExpired(): Promise<number> {
    return this.retention.run()
  }

  async report(session: SessionRef, query: AnalyticsQuery): Promise<AnalyticsReport> {
    const { reader } = this
    const range = resolveRange(query, await reader.activity(session.id, session.created_at))
    // What does not depend on the series is asked for with it: on Postgres every query
    // waits a round trip, and one after the other they added up.
    const [{ series, totals }, engagement, gotAnswer, topQuestions, alerts] = await Promise.all([
      reader.seriesAndSums(session.id, range).then(async ({ series, sums }) => ({
        series,
        totals: await reader.totals(session.id, range, series, sums),
      })),
      reader.engagement(session.id),
      reader.answeredAuthors(session.id),
      reader.topQuestions(session.id),
      alertsOf(this.options.db.kysely, session.id),
    ])
    return {
      sessionId: session.id,
      range: {
        from: range.from * MINUTE_MS,
        to: range.to * MINUTE_MS,
        bucketMinutes: range.bucket,
      },
      totals,
      engagement,
      funnel: {
        joined: engagement.people,
        tookPart: engagement.askedOrReplied + engagement.votedOnly,
        gotAnswer,
      },
      topQuestions,
      alerts,
      series,
    }
  }

  /** The figures of a whole session, for comparisons. */
  async summary(session: SessionRef): Promise<{
    range: { from: number; to: number }
    totals: AnalyticsTotals
    engagement: Engagement
  }> {
    const [one] = await this.reader.summaries([session])
    return { range: one!.range, totals: one!.totals, engagement: one!.engagement }
  }

  /** The figures of several whole sessions, side by side, in a few queries (comparisons). */
  summaries(sessions: readonly SessionRef[]) {
    return this.reader.summaries(sessions)
  }

  /** An export as text chunks, read from the database as they are sent. */
  export(
    sessionId: string,
    format: 'csv' | 'json',
    query: AnalyticsExportQuery,
  ): AsyncGenerator<string> {
    if (query.from !== undefined && query.to !== undefined && query.from >= query.to)
      throw HttpProblem.badRequest(
        `from (${new Date(query.from).toISOString()}) must be before to (${new Date(query.to).toISOString()}).`,
      )
    const of = query.of ?? 'rollups'
    const range = { from: query.from, to: query.to }
    const { db } = this.options
    const pages =
      of === 'events' ? eventPages(db, sessionId, range) : rollupPages(db, sessionId, range)
    if (format === 'json') return asJson(pages, { sessionId, of })
    return asCsv(pages, of === 'events' ? EVENT_COLUMNS : ROLLUP_COLUMNS)
  }
}
