import { z } from 'zod'
import { ID_PATTERN } from '../ids.ts'

/**
 * What a browser opened, named by the `view` query parameter of its sync connection
 * (`/sync?view=projector`): analytics counts openings of each.
 */
export const OPENED_VIEWS = ['room', 'projector'] as const
export type OpenedView = (typeof OPENED_VIEWS)[number]
export const isOpenedView = (value: string): value is OpenedView =>
  (OPENED_VIEWS as readonly string[]).includes(value)

/** A report has at most this many points; a longer range needs a larger bucket. */
export const ANALYTICS_MAX_POINTS = 1_440
/** Sessions one comparison takes at most. */
export const ANALYTICS_COMPARE_MAX = 20
/** The top questions a report lists. */
export const ANALYTICS_TOP_QUESTIONS = 10

const instant = (name: string) =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      const ms = /^\d{1,15}$/.test(value)
        ? Number(value)
        : /^\d{4}-\d\d-\d\d/.test(value)
          ? Date.parse(value)
          : Number.NaN
      if (Number.isFinite(ms)) return ms
      ctx.addIssue({
        code: 'custom',
        message: `${name} must be a time such as 2026-03-02T09:00:00Z, or milliseconds since 1970`,
      })
      return z.NEVER
    })

/** `5`, `5m`, `2h` or `1d`: a bucket in whole minutes. */
const bucket = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const match = /^(\d{1,6})([mhd]?)$/.exec(value)
    const n = match ? Number(match[1]) : 0
    const minutes = n * (match?.[2] === 'd' ? 1_440 : match?.[2] === 'h' ? 60 : 1)
    if (minutes >= 1 && minutes <= 366 * 1_440) return minutes
    ctx.addIssue({
      code: 'custom',
      message:
        'bucket must be a whole number of minutes from 1 to 366 days, such as 1m, 15m, 2h or 1d',
    })
    return z.NEVER
  })

/** GET /api/sessions/:id/analytics?from=&to=&bucket= */
export const AnalyticsQuery = z.strictObject(
  { from: instant('from').optional(), to: instant('to').optional(), bucket: bucket.optional() },
  { error: 'this report takes only from, to and bucket' },
)
export type AnalyticsQuery = z.infer<typeof AnalyticsQuery>

/** GET /api/sessions/:id/analytics/export.(csv|json)?of=&from=&to= */
export const AnalyticsExportQuery = z.strictObject(
  {
    of: z.enum(['rollups', 'events'], { error: 'of must be rollups or events' }).optional(),
    from: instant('from').optional(),
    to: instant('to').optional(),
  },
  { error: 'an export takes only of, from and to' },
)
export type AnalyticsExportQuery = z.infer<typeof AnalyticsExportQuery>

/** GET /api/analytics/compare?sessions=a,b,c */
export const AnalyticsCompareQuery = z.strictObject(
  {
    sessions: z
      .string({ error: 'sessions must list session ids separated by commas' })
      .transform((value) => [
        ...new Set(
          value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ])
      .pipe(
        z
          .array(z.string().regex(ID_PATTERN, 'each session id is 6-64 letters, digits, - or _'))
          .min(1, 'sessions must list at least one session id')
          .max(
            ANALYTICS_COMPARE_MAX,
            `sessions may list at most ${ANALYTICS_COMPARE_MAX} session ids`,
          ),
      ),
  },
  { error: 'a comparison takes only sessions' },
)

/** One bucket of a report: counts are sums over the bucket; presence is a level. */
export const AnalyticsPoint = z.object({
  /** The bucket's start, in milliseconds since the epoch. */
  at: z.number(),
  /** The most people present at once during the bucket. */
  concurrent: z.number(),
  /** Distinct people seen in the session by the bucket's end. */
  unique: z.number(),
  arrived: z.number(),
  departed: z.number(),
  asked: z.number(),
  published: z.number(),
  rejected: z.number(),
  answered: z.number(),
  votes: z.number(),
  unvotes: z.number(),
  replies: z.number(),
  /** Moderators' decisions in the bucket, and their mean delay since the ask. */
  moderated: z.number(),
  moderationMs: z.number().nullable(),
  /** Mean time from a question's publishing to its answer, of those answered in the bucket. */
  answerMs: z.number().nullable(),
  /** Viewers' video quality reports in the bucket; null when none came. */
  video: z.lazy(() => VideoFigures).nullable(),
  /** Openings of the attendee room and of the projector (one a person a view a minute). */
  roomOpens: z.number(),
  projectorOpens: z.number(),
})
export type AnalyticsPoint = z.infer<typeof AnalyticsPoint>

/** Figures over a range. */
export const AnalyticsTotals = z.object({
  participants: z.object({
    /** Distinct people seen in the session by the range's end. */
    unique: z.number(),
    /** The most present at once in the range. */
    peakConcurrent: z.number(),
  }),
  questions: z.object({
    asked: z.number(),
    published: z.number(),
    rejected: z.number(),
    answered: z.number(),
  }),
  votes: z.number(),
  unvotes: z.number(),
  replies: z.number(),
  medianModerationMs: z.number().nullable(),
  medianAnswerMs: z.number().nullable(),
  /** The range's video quality reports; null when none came. */
  video: z.lazy(() => VideoFigures).nullable(),
  /** Openings of the attendee room and of the projector in the range. */
  opens: z.object({ room: z.number(), projector: z.number() }),
})
export type AnalyticsTotals = z.infer<typeof AnalyticsTotals>

/** The session's engagement (docs/analytics.md has the formula). */
export const Engagement = z.object({
  score: z.number().int().min(0).max(100),
  /** People seen in the session, staff left out. */
  people: z.number(),
  /** Of them: who asked or replied, who only voted. */
  askedOrReplied: z.number(),
  votedOnly: z.number(),
})
export type Engagement = z.infer<typeof Engagement>

/**
 * The session's people (staff left out), narrowing: who came, who took part (asked,
 * replied or voted), and whose question was answered.
 */
export const AnalyticsFunnel = z.object({
  joined: z.number(),
  tookPart: z.number(),
  gotAnswer: z.number(),
})
export type AnalyticsFunnel = z.infer<typeof AnalyticsFunnel>

export const AnalyticsRange = z.object({
  from: z.number(),
  to: z.number(),
  bucketMinutes: z.number(),
})

export const TopQuestion = z.object({
  questionId: z.string(),
  votes: z.number(),
  askedAt: z.number().nullable(),
  answeredAt: z.number().nullable(),
})

/** The figures of a session's last minutes an alert fired with (docs/analytics.md). */
export const AlertWindow = z.object({
  present: z.number(),
  peak: z.number(),
  asked: z.number(),
  rejected: z.number(),
  /** Video quality reports in the window and how many were poor (when any came). */
  video: z.object({ reports: z.number(), poor: z.number() }).optional(),
  /** Questions waiting in the moderation queue, and how long the oldest has (when any wait). */
  queue: z.object({ waiting: z.number(), oldestMs: z.number() }).optional(),
})

export const ALERT_RULES = [
  'participation-drop',
  'rejections-spike',
  'queue-age',
  'poor-video',
] as const

/** The thresholds every session starts with (docs/analytics.md, "Alerts"). */
export const ALERT_DEFAULTS = {
  off: [] as Array<(typeof ALERT_RULES)[number]>,
  dropMinPeak: 4,
  spikeMinRejected: 5,
  queueAgeMinutes: 5,
  poorVideoPercent: 30,
}

const whole = (name: string, min: number, max: number) =>
  z
    .number({ error: `${name} must be a whole number from ${min} to ${max}` })
    .int(`${name} must be a whole number from ${min} to ${max}`)
    .min(min, `${name} must be a whole number from ${min} to ${max}`)
    .max(max, `${name} must be a whole number from ${min} to ${max}`)

/** A session's alert rules: which are off, and each one's threshold. */
export const AlertSettings = z.strictObject(
  {
    off: z
      .array(z.enum(ALERT_RULES, { error: `off lists rules: ${ALERT_RULES.join(', ')}` }))
      .max(ALERT_RULES.length),
    /** participation-drop: counts only from a peak of at least this many present. */
    dropMinPeak: whole('dropMinPeak', 2, 100_000),
    /** rejections-spike: at least this many rejected in the window. */
    spikeMinRejected: whole('spikeMinRejected', 2, 100_000),
    /** queue-age: the oldest waiting question has waited this many minutes. */
    queueAgeMinutes: whole('queueAgeMinutes', 1, 240),
    /** poor-video: more than this share of the window's reports were poor, in percent. */
    poorVideoPercent: whole('poorVideoPercent', 5, 95),
  },
  {
    error:
      'alert settings take only off, dropMinPeak, spikeMinRejected, queueAgeMinutes and poorVideoPercent',
  },
)
export type AlertSettings = z.infer<typeof AlertSettings>

/** PUT /api/sessions/:id/analytics/alerts: any of the settings; the rest stay. */
export const AlertSettingsPatch = AlertSettings.partial()

/** GET and PUT /api/sessions/:id/analytics/alerts answer this. */
export const AlertSettingsView = z.object({ settings: AlertSettings, defaults: AlertSettings })
export type AlertSettingsView = z.infer<typeof AlertSettingsView>

export const AnalyticsAlert = z.object({
  rule: z.enum(ALERT_RULES),
  firedAt: z.number(),
  /** null while it holds. */
  recoveredAt: z.number().nullable(),
  detail: AlertWindow,
})
export type AnalyticsAlert = z.infer<typeof AnalyticsAlert>

export const AnalyticsReport = z.object({
  sessionId: z.string(),
  range: AnalyticsRange,
  totals: AnalyticsTotals,
  engagement: Engagement,
  funnel: AnalyticsFunnel,
  topQuestions: z.array(TopQuestion),
  /** Every alert of the session, oldest first. */
  alerts: z.array(AnalyticsAlert),
  series: z.array(AnalyticsPoint),
})
export type AnalyticsReport = z.infer<typeof AnalyticsReport>

export const AnalyticsComparison = z.object({
  sessions: z.array(
    z.object({
      sessionId: z.string(),
      title: z.string(),
      range: AnalyticsRange.omit({ bucketMinutes: true }),
      totals: AnalyticsTotals,
      engagement: Engagement,
    }),
  ),
})
export type AnalyticsComparison = z.infer<typeof AnalyticsComparison>

/** GET /api/sessions/:id/analytics/live: each `figures` event of the stream. */
export const AnalyticsLive = z.object({
  sessionId: z.string(),
  /** Present now. */
  present: z.number(),
  /** People seen in the session so far. */
  unique: z.number(),
  asked: z.number(),
  published: z.number(),
  rejected: z.number(),
  answered: z.number(),
  votes: z.number(),
  unvotes: z.number(),
  replies: z.number(),
  moderated: z.number(),
  /** The time of the last event counted (null before the first). */
  lastEventAt: z.number().nullable(),
  /** Alerts that hold now. */
  alerts: z.array(AnalyticsAlert.omit({ recoveredAt: true })),
})
export type AnalyticsLive = z.infer<typeof AnalyticsLive>

/**
 * The video quality a viewer's connection had over about a minute: means of its samples
 * (null where the browser gave none). POST /api/sessions/:id/video-quality sends one per
 * watched feed, once a minute.
 */
export const VideoQualitySample = z.strictObject(
  {
    feed: z.enum(['camera', 'screen'], { error: 'feed must be camera or screen' }),
    rttMs: z.number().min(0).max(60_000).nullable(),
    lossPct: z.number().min(0).max(100).nullable(),
    jitterMs: z.number().min(0).max(60_000).nullable(),
    bitrateKbps: z.number().min(0).max(1_000_000).nullable(),
    fps: z.number().min(0).max(240).nullable(),
  },
  { error: 'a report takes only feed, rttMs, lossPct, jitterMs, bitrateKbps and fps' },
)
export type VideoQualitySample = z.infer<typeof VideoQualitySample>

/** Reports one request carries at most (a viewer watches a camera and a screen or two). */
export const VIDEO_REPORTS_MAX = 4
/** How often a viewer reports; the server refuses reports from one person closer together. */
export const VIDEO_REPORT_INTERVAL_MS = 60_000

export const VideoQualityReport = z.strictObject(
  {
    reports: z
      .array(VideoQualitySample)
      .min(1, 'reports must hold at least one report')
      .max(VIDEO_REPORTS_MAX, `reports may hold at most ${VIDEO_REPORTS_MAX} reports`),
  },
  { error: 'a video quality report takes only reports' },
)
export type VideoQualityReport = z.infer<typeof VideoQualityReport>

/**
 * Where a connection's video is poor: loss, round-trip time or jitter at or past these
 * (the stage's quality indicator says "Poor connection" at the same ones).
 */
export const POOR_VIDEO = { lossPct: 8, rttMs: 500, jitterMs: 80 } as const

export function isPoorVideo(
  s: Pick<VideoQualitySample, 'rttMs' | 'lossPct' | 'jitterMs'>,
): boolean {
  return (
    (s.lossPct ?? 0) >= POOR_VIDEO.lossPct ||
    (s.rttMs ?? 0) >= POOR_VIDEO.rttMs ||
    (s.jitterMs ?? 0) >= POOR_VIDEO.jitterMs
  )
}

/** Video quality over a bucket or a range: how many reports, how many poor, and the means. */
export const VideoFigures = z.object({
  reports: z.number(),
  poor: z.number(),
  rttMs: z.number().nullable(),
  lossPct: z.number().nullable(),
  jitterMs: z.number().nullable(),
  bitrateKbps: z.number().nullable(),
  fps: z.number().nullable(),
})
export type VideoFigures = z.infer<typeof VideoFigures>
