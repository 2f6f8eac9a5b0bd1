import {
  ANALYTICS_TOP_QUESTIONS,
  type AnalyticsLive,
  type AnalyticsPoint,
  type AnalyticsTotals,
  type Engagement,
  type VideoFigures,
} from '@podium/shared'
import { type Kysely, sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { Database } from '../../db/schema.ts'
import { alertsOf } from '../alerts/rules.ts'
import { MINUTE_MS } from '../record/rollup.ts'
import { engagementScore } from './engagement.ts'
import { type Activity, type MinuteRange, resolveRange } from './range.ts'

/** Counters summed per bucket, as the report names them and as the rollup stores them. */
const SUMS = {
  arrived: 'arrived',
  departed: 'departed',
  newParticipants: 'new_participants',
  asked: 'asked',
  published: 'published',
  rejected: 'rejected',
  answered: 'answered',
  votes: 'votes',
  unvotes: 'unvotes',
  replies: 'replies',
  moderated: 'moderated',
  moderationMs: 'moderation_ms',
  answerTimed: 'answer_timed',
  answerMs: 'answer_ms',
  videoReports: 'video_reports',
  videoPoor: 'video_poor',
  videoRttMs: 'video_rtt_ms',
  videoRttN: 'video_rtt_n',
  videoLossBp: 'video_loss_bp',
  videoLossN: 'video_loss_n',
  videoJitterMs: 'video_jitter_ms',
  videoJitterN: 'video_jitter_n',
  videoKbps: 'video_kbps',
  videoKbpsN: 'video_kbps_n',
  videoFps: 'video_fps_x100',
  videoFpsN: 'video_fps_n',
  roomOpens: 'room_opens',
  projectorOpens: 'projector_opens',
} as const
type Sums = Record<keyof typeof SUMS, number>

/** The video figures of summed rollups: means of the reports that had each, null without. */
export function videoFigures(s: Sums): VideoFigures | null {
  if (s.videoReports === 0) return null
  const avg = (total: number, n: number, scale = 1) =>
    n > 0 ? Math.round(total / n / scale) : null
  const avg1 = (total: number, n: number, scale: number) =>
    n > 0 ? Math.round((total / n / scale) * 10) / 10 : null
  return {
    reports: s.videoReports,
    poor: s.videoPoor,
    rttMs: avg(s.videoRttMs, s.videoRttN),
    lossPct: avg1(s.videoLossBp, s.videoLossN, 100),
    jitterMs: avg(s.videoJitterMs, s.videoJitterN),
    bitrateKbps: avg(s.videoKbps, s.videoKbpsN),
    fps: avg1(s.videoFps, s.videoFpsN, 100),
  }
}

const zeroSums = (): Sums =>
  Object.fromEntries(Object.keys(SUMS).map((k) => [k, 0])) as unknown as Sums

/**
 * Reports read the per-minute rollups and each session's state tables, never the raw
 * events: a report's cost follows the minutes that had activity, not the events in them.
 */
export class AnalyticsReader {
  constructor(private readonly db: Db) {}

  /** The first and last minute with activity. */
  async activity(sessionId: string, createdAt: number): Promise<Activity> {
    const row = await this.db.kysely
      .selectFrom('analytics_minutes')
      .select((eb) => [eb.fn.min('minute').as('first'), eb.fn.max('minute').as('last')])
      .where('session_id', '=', sessionId)
      .executeTakeFirst()
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
    return { first: num(row?.first), last: num(row?.last), createdAt }
  }

  /** The range's buckets, oldest first, each with the level carried in from before. */
  async series(sessionId: string, range: MinuteRange): Promise<AnalyticsPoint[]> {
    const { from, to, bucket } = range
    const k = this.db.kysely
    // Whole numbers we computed, written into the query: grouping by it then reads the
    // same on both databases, and the division is an integer one.
    const index = sql<number>`cast((${sql.ref('minute')} - ${sql.lit(from)}) / ${sql.lit(bucket)} as integer)`
    const rows = await k
      .selectFrom('analytics_minutes')
      .select((eb) => [
        index.as('bucket'),
        eb.fn.max('peak_present').as('peak'),
        eb.fn.max('minute').as('last'),
        ...Object.entries(SUMS).map(([name, column]) =>
          eb.fn.sum<number>(sql.ref(column)).as(name),
        ),
      ])
      .where('session_id', '=', sessionId)
      .where('minute', '>=', from)
      .where('minute', '<', to)
      .groupBy('bucket')
      .orderBy('bucket')
      .execute()
    const ends = await this.levelsAt(
      sessionId,
      rows.map((r) => Number(r.last)),
    )
    const before = await this.before(sessionId, from)
    let level = before.level
    let unique = before.unique
    const byBucket = new Map(rows.map((r) => [Number(r.bucket), r]))
    const points: AnalyticsPoint[] = []
    for (let i = 0; i * bucket < to - from; i++) {
      const row = byBucket.get(i)
      const sums = zeroSums()
      let concurrent = level
      if (row) {
        for (const name of Object.keys(SUMS) as Array<keyof Sums>) sums[name] = Number(row[name])
        concurrent = Math.max(level, Number(row.peak))
        level = ends.get(Number(row.last)) ?? level
        unique += sums.newParticipants
      }
      points.push({
        at: (from + i * bucket) * MINUTE_MS,
        concurrent,
        unique,
        arrived: sums.arrived,
        departed: sums.departed,
        asked: sums.asked,
        published: sums.published,
        rejected: sums.rejected,
        answered: sums.answered,
        votes: sums.votes,
        unvotes: sums.unvotes,
        replies: sums.replies,
        moderated: sums.moderated,
        moderationMs: mean(sums.moderationMs, sums.moderated),
        answerMs: mean(sums.answerMs, sums.answerTimed),
        video: videoFigures(sums),
        roomOpens: sums.roomOpens,
        projectorOpens: sums.projectorOpens,
      })
    }
    return points
  }

  /** The video figures of a range, summed from its minutes. */
  async video(sessionId: string, range: MinuteRange): Promise<VideoFigures | null> {
    const row = await this.db.kysely
      .selectFrom('analytics_minutes')
      .select((eb) =>
        Object.entries(SUMS)
          .filter(([name]) => name.startsWith('video'))
          .map(([name, column]) => eb.fn.sum<number>(sql.ref(column)).as(name)),
      )
      .where('session_id', '=', sessionId)
      .where('minute', '>=', range.from)
      .where('minute', '<', range.to)
      .executeTakeFirst()
    const sums = zeroSums()
    for (const [name, value] of Object.entries(row ?? {}))
      sums[name as keyof Sums] = Number(value ?? 0)
    return videoFigures(sums)
  }

  /** Totals of a range, from its series and the questions' times. */
  async totals(
    sessionId: string,
    range: MinuteRange,
    series: AnalyticsPoint[],
  ): Promise<AnalyticsTotals> {
    const sum = (pick: (p: AnalyticsPoint) => number) => series.reduce((n, p) => n + pick(p), 0)
    const [moderation, answer, video] = await Promise.all([
      this.medianDelays([sessionId], 'moderated_at', 'moderation_ms', range),
      this.medianDelays([sessionId], 'answered_at', 'answer_ms', range),
      this.video(sessionId, range),
    ])
    return {
      participants: {
        unique: series.at(-1)?.unique ?? 0,
        peakConcurrent: Math.max(0, ...series.map((p) => p.concurrent)),
      },
      questions: {
        asked: sum((p) => p.asked),
        published: sum((p) => p.published),
        rejected: sum((p) => p.rejected),
        answered: sum((p) => p.answered),
      },
      votes: sum((p) => p.votes),
      unvotes: sum((p) => p.unvotes),
      replies: sum((p) => p.replies),
      medianModerationMs: moderation.get(sessionId) ?? null,
      medianAnswerMs: answer.get(sessionId) ?? null,
      video,
      opens: { room: sum((p) => p.roomOpens), projector: sum((p) => p.projectorOpens) },
    }
  }

  /**
   * Whole-session range, totals and engagement of several sessions, as `totals` and
   * `engagement` give them one by one, in a handful of grouped queries however many
   * sessions (comparisons). Over a whole session nothing is carried in from before it, so
   * the totals are the sums of all its minutes and the peak is the largest minute's.
   */
  async summaries(sessions: ReadonlyArray<{ id: string; created_at: number }>) {
    const ids = sessions.map((s) => s.id)
    const k = this.db.kysely
    const [minutes, moderation, answer, people] = await Promise.all([
      k
        .selectFrom('analytics_minutes')
        .select((eb) => [
          'session_id',
          eb.fn.min('minute').as('first'),
          eb.fn.max('minute').as('last'),
          eb.fn.max('peak_present').as('peak'),
          ...Object.entries(SUMS).map(([name, column]) =>
            eb.fn.sum<number>(sql.ref(column)).as(name),
          ),
        ])
        .where('session_id', 'in', ids)
        .groupBy('session_id')
        .execute(),
      this.medianDelays(ids, 'moderated_at', 'moderation_ms'),
      this.medianDelays(ids, 'answered_at', 'answer_ms'),
      this.engagementRows(ids),
    ])
    const bySession = new Map(minutes.map((m) => [m.session_id, m]))
    const engagementOf = new Map(people.map((p) => [p.session_id, p]))
    return sessions.map((session) => {
      const row = bySession.get(session.id)
      const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
      const range = resolveRange(
        {},
        { first: num(row?.first), last: num(row?.last), createdAt: session.created_at },
      )
      const sums = zeroSums()
      if (row)
        for (const name of Object.keys(SUMS) as Array<keyof Sums>)
          sums[name] = Number((row as Record<string, unknown>)[name] ?? 0)
      const totals: AnalyticsTotals = {
        participants: { unique: sums.newParticipants, peakConcurrent: Number(row?.peak ?? 0) },
        questions: {
          asked: sums.asked,
          published: sums.published,
          rejected: sums.rejected,
          answered: sums.answered,
        },
        votes: sums.votes,
        unvotes: sums.unvotes,
        replies: sums.replies,
        medianModerationMs: moderation.get(session.id) ?? null,
        medianAnswerMs: answer.get(session.id) ?? null,
        video: videoFigures(sums),
        opens: { room: sums.roomOpens, projector: sums.projectorOpens },
      }
      return {
        sessionId: session.id,
        range: { from: range.from * MINUTE_MS, to: range.to * MINUTE_MS },
        totals,
        engagement: engagementOf.get(session.id)?.engagement ?? emptyEngagement(),
      }
    })
  }

  /** The session's engagement, from what each person did (staff left out). */
  async engagement(sessionId: string): Promise<Engagement> {
    const [row] = await this.engagementRows([sessionId])
    return row?.engagement ?? emptyEngagement()
  }

  /** Engagement of each of these sessions that has anyone (staff left out). */
  private async engagementRows(ids: readonly string[]) {
    const rows = await this.db.kysely
      .selectFrom('analytics_participants')
      .select((eb) => [
        'session_id',
        eb.fn.countAll<number>().as('people'),
        eb.fn
          .sum<number>(
            eb
              .case()
              .when(eb.or([eb('asked', '=', 1), eb('replied', '=', 1)]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('active'),
        eb.fn
          .sum<number>(
            eb
              .case()
              .when(eb.and([eb('asked', '=', 0), eb('replied', '=', 0), eb('voted', '=', 1)]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('voters'),
      ])
      .where('session_id', 'in', ids)
      .where('seen', '=', 1)
      .where('staff', '=', 0)
      .groupBy('session_id')
      .execute()
    return rows.map((row) => {
      const people = Number(row.people ?? 0)
      const askedOrReplied = Number(row.active ?? 0)
      const votedOnly = Number(row.voters ?? 0)
      const engagement: Engagement = {
        score: engagementScore({ people, askedOrReplied, votedOnly }),
        people,
        askedOrReplied,
        votedOnly,
      }
      return { session_id: row.session_id, engagement }
    })
  }

  /** Of the session's people (staff left out): how many had a question of theirs answered. */
  async answeredAuthors(sessionId: string): Promise<number> {
    const row = await this.db.kysely
      .selectFrom('analytics_questions as q')
      .innerJoin('analytics_participants as p', (join) =>
        join.onRef('p.session_id', '=', 'q.session_id').onRef('p.user_id', '=', 'q.author_id'),
      )
      .select((eb) => eb.fn.count<number>('q.author_id').distinct().as('n'))
      .where('q.session_id', '=', sessionId)
      .where('q.answered_at', 'is not', null)
      .where('p.seen', '=', 1)
      .where('p.staff', '=', 0)
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }

  /** The most voted questions (not rejected), earliest asked first among equals. */
  async topQuestions(sessionId: string) {
    const rows = await this.db.kysely
      .selectFrom('analytics_questions')
      .select(['question_id', 'votes', 'asked_at', 'answered_at'])
      .where('session_id', '=', sessionId)
      .where('votes', '>', 0)
      .where('rejected_at', 'is', null)
      .orderBy('votes', 'desc')
      .orderBy('asked_at')
      .orderBy('question_id')
      .limit(ANALYTICS_TOP_QUESTIONS)
      .execute()
    return rows.map((r) => ({
      questionId: r.question_id,
      votes: Number(r.votes),
      askedAt: r.asked_at === null ? null : Number(r.asked_at),
      answeredAt: r.answered_at === null ? null : Number(r.answered_at),
    }))
  }

  /**
   * The session's figures so far, for the live stream. They are read in one snapshot:
   * a batch recorded meanwhile (by this instance or another) is seen whole or not at all,
   * never as counts that moved without the level that goes with them.
   */
  async live(sessionId: string): Promise<AnalyticsLive> {
    return this.db.kysely
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute((trx) => this.liveIn(trx, sessionId))
  }

  private async liveIn(k: Kysely<Database>, sessionId: string): Promise<AnalyticsLive> {
    const [sums, level, last, alerts] = await Promise.all([
      k
        .selectFrom('analytics_minutes')
        .select((eb) =>
          (
            [
              'new_participants',
              'asked',
              'published',
              'rejected',
              'answered',
              'votes',
              'unvotes',
              'replies',
              'moderated',
            ] as const
          ).map((column) => eb.fn.sum<number>(column).as(column)),
        )
        .where('session_id', '=', sessionId)
        .executeTakeFirst(),
      k
        .selectFrom('analytics_sessions')
        .select('present')
        .where('session_id', '=', sessionId)
        .executeTakeFirst(),
      k
        .selectFrom('analytics_events')
        .select('at')
        .where('session_id', '=', sessionId)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst(),
      alertsOf(k, sessionId),
    ])
    const n = (v: unknown) => Number(v ?? 0)
    return {
      sessionId,
      present: n(level?.present),
      unique: n(sums?.new_participants),
      asked: n(sums?.asked),
      published: n(sums?.published),
      rejected: n(sums?.rejected),
      answered: n(sums?.answered),
      votes: n(sums?.votes),
      unvotes: n(sums?.unvotes),
      replies: n(sums?.replies),
      moderated: n(sums?.moderated),
      lastEventAt: last ? Number(last.at) : null,
      alerts: alerts
        .filter((a) => a.recoveredAt === null)
        .map(({ rule, firedAt, detail }) => ({ rule, firedAt, detail })),
    }
  }

  /** The level at the end of each of these minutes (rows that exist). */
  private async levelsAt(sessionId: string, minutes: number[]): Promise<Map<number, number>> {
    const levels = new Map<number, number>()
    for (let i = 0; i < minutes.length; i += 500) {
      const rows = await this.db.kysely
        .selectFrom('analytics_minutes')
        .select(['minute', 'end_present'])
        .where('session_id', '=', sessionId)
        .where('minute', 'in', minutes.slice(i, i + 500))
        .execute()
      for (const r of rows) levels.set(Number(r.minute), Number(r.end_present))
    }
    return levels
  }

  /** Who was present when the range starts, and how many people had been seen by then. */
  private async before(sessionId: string, from: number) {
    const k = this.db.kysely
    const [last, seen] = await Promise.all([
      k
        .selectFrom('analytics_minutes')
        .select('end_present')
        .where('session_id', '=', sessionId)
        .where('minute', '<', from)
        .orderBy('minute', 'desc')
        .limit(1)
        .executeTakeFirst(),
      k
        .selectFrom('analytics_minutes')
        .select((eb) => eb.fn.sum<number>('new_participants').as('unique'))
        .where('session_id', '=', sessionId)
        .where('minute', '<', from)
        .executeTakeFirst(),
    ])
    return { level: Number(last?.end_present ?? 0), unique: Number(seen?.unique ?? 0) }
  }

  /**
   * The median delay of each of these sessions (null without one), of the decisions or
   * answers made in `range` (all of them without it), read off an index that holds a
   * session's delays in order (migration 0020): on SQLite a count, then the one or two
   * middle ones, per session; on Postgres one grouped query for them all (a round trip
   * each would add up). A long session has thousands of questions; fetching every delay to sort
   * it here cost more than the rest of a report (0.3 s for a comparison of 20 sessions of
   * 100,000 events each, and ranking them in SQL with window functions hardly less).
   */
  async medianDelays(
    sessionIds: readonly string[],
    at: 'moderated_at' | 'answered_at',
    delay: 'moderation_ms' | 'answer_ms',
    range?: MinuteRange,
  ): Promise<Map<string, number | null>> {
    const medians = new Map<string, number | null>(sessionIds.map((id) => [id, null]))
    if (sessionIds.length === 0) return medians
    if (this.db.dialect === 'postgres') {
      // One grouped query: percentile_cont(0.5) is the middle value, or the mean of the
      // two middle ones (what median() gives), off the same index.
      let query = this.db.kysely
        .selectFrom('analytics_questions')
        .select([
          'session_id',
          sql<number>`percentile_cont(0.5) within group (order by ${sql.ref(delay)})`.as('median'),
        ])
        .where('session_id', 'in', sessionIds)
        .where(delay, 'is not', null)
      if (range)
        query = query.where(at, '>=', range.from * MINUTE_MS).where(at, '<', range.to * MINUTE_MS)
      for (const row of await query.groupBy('session_id').execute())
        medians.set(row.session_id, Math.round(Number(row.median)))
      return medians
    }
    for (const sessionId of sessionIds) {
      let delays = this.db.kysely
        .selectFrom('analytics_questions')
        .where('session_id', '=', sessionId)
        .where(delay, 'is not', null)
      if (range)
        delays = delays.where(at, '>=', range.from * MINUTE_MS).where(at, '<', range.to * MINUTE_MS)
      const counted = await delays
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst()
      const n = Number(counted?.n ?? 0)
      if (n === 0) {
        medians.set(sessionId, null)
        continue
      }
      const middle = await delays
        .select(delay)
        .orderBy(delay)
        .limit(n % 2 === 1 ? 1 : 2)
        .offset(Math.floor((n - 1) / 2))
        .execute()
      medians.set(
        sessionId,
        median(middle.map((r) => Number((r as Record<string, unknown>)[delay]))),
      )
    }
    return medians
  }
}

const emptyEngagement = (): Engagement => ({
  score: engagementScore({ people: 0, askedOrReplied: 0, votedOnly: 0 }),
  people: 0,
  askedOrReplied: 0,
  votedOnly: 0,
})

function mean(total: number, count: number): number | null {
  return count > 0 ? Math.round(total / count) : null
}

/** The middle value (the mean of the two middle ones for an even count), in whole ms. */
export function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2)
}
