import {
  ANALYTICS_TOP_QUESTIONS,
  type AnalyticsLive,
  type AnalyticsPoint,
  type AnalyticsTotals,
  type Engagement,
  type VideoFigures,
} from '@podium/shared'
import { type Kysely, type RawBuilder, sql } from 'kysely'
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
export type Sums = Record<keyof typeof SUMS, number>

/** The counters that count a range's delays, the number of values its medians are of. */
const DELAY_COUNTS = { moderated: 'moderation_ms', answerTimed: 'answer_ms' } as const

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

  /**
   * The range's buckets, oldest first, each with the level carried in from before, and
   * what all its minutes sum to (for its totals). The buckets, the level at the end of
   * each and the figures carried in from before the range are three queries at once: on
   * Postgres each waits a round trip, one after the other they were most of a report's
   * time.
   */
  async seriesAndSums(
    sessionId: string,
    range: MinuteRange,
  ): Promise<{ series: AnalyticsPoint[]; sums: Sums }> {
    const { from, to, bucket } = range
    const k = this.db.kysely
    // Whole numbers we computed, written into the query: grouping by it then reads the
    // same on both databases, and the division is an integer one.
    const index = sql<number>`cast((${sql.ref('minute')} - ${sql.lit(from)}) / ${sql.lit(bucket)} as integer)`
    const inRange = k
      .selectFrom('analytics_minutes')
      .where('session_id', '=', sessionId)
      .where('minute', '>=', from)
      .where('minute', '<', to)
    const [rows, endRows, before] = await Promise.all([
      inRange
        .select((eb) => [
          index.as('bucket'),
          eb.fn.max('peak_present').as('peak'),
          eb.fn.max('minute').as('last'),
          ...Object.entries(SUMS).map(([name, column]) =>
            eb.fn.sum<number>(sql.ref(column)).as(name),
          ),
        ])
        .groupBy('bucket')
        .orderBy('bucket')
        .execute(),
      // The level at the end of each bucket: its last minute's.
      k
        .selectFrom('analytics_minutes')
        .select(['minute', 'end_present'])
        .where('session_id', '=', sessionId)
        .where(
          'minute',
          'in',
          inRange.select((eb) => eb.fn.max('minute').as('last')).groupBy(index),
        )
        .execute(),
      this.before(sessionId, from),
    ])
    const ends = new Map(endRows.map((r) => [Number(r.minute), Number(r.end_present)]))
    const total = zeroSums()
    let level = before.level
    let unique = before.unique
    const byBucket = new Map(rows.map((r) => [Number(r.bucket), r]))
    const points: AnalyticsPoint[] = []
    for (let i = 0; i * bucket < to - from; i++) {
      const row = byBucket.get(i)
      const sums = zeroSums()
      let concurrent = level
      if (row) {
        for (const name of Object.keys(SUMS) as Array<keyof Sums>) {
          sums[name] = Number(row[name])
          total[name] += sums[name]
        }
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
    return { series: points, sums: total }
  }

  /**
   * Totals of a range, from its series, what its minutes sum to (`seriesAndSums`) and the
   * questions' delays.
   */
  async totals(
    sessionId: string,
    range: MinuteRange,
    series: AnalyticsPoint[],
    sums: Sums,
  ): Promise<AnalyticsTotals> {
    const sum = (pick: (p: AnalyticsPoint) => number) => series.reduce((n, p) => n + pick(p), 0)
    const { moderation, answer } = await this.medians(new Map([[sessionId, sums]]), range)
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
      video: videoFigures(sums),
      opens: { room: sum((p) => p.roomOpens), projector: sum((p) => p.projectorOpens) },
    }
  }

  /**
   * Whole-session range, totals and engagement of several sessions, as `totals` and
   * `engagement` give them one by one, in four queries however many sessions
   * (comparisons): the minutes summed per session, the two medians, the engagement
   * counts. Over a whole session nothing is carried in from before it, so the totals are
   * the sums of all its minutes and the peak is the largest minute's.
   */
  async summaries(sessions: ReadonlyArray<{ id: string; created_at: number }>) {
    const ids = sessions.map((s) => s.id)
    const k = this.db.kysely
    const [minutes, people] = await Promise.all([
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
      this.engagementRows(ids),
    ])
    const summed = new Map<string, Sums>()
    for (const row of minutes) {
      const sums = zeroSums()
      for (const name of Object.keys(SUMS) as Array<keyof Sums>)
        sums[name] = Number((row as Record<string, unknown>)[name] ?? 0)
      summed.set(row.session_id, sums)
    }
    const { moderation, answer } = await this.medians(summed)
    const bySession = new Map(minutes.map((m) => [m.session_id, m]))
    const engagementOf = new Map(people.map((p) => [p.session_id, p]))
    return sessions.map((session) => {
      const row = bySession.get(session.id)
      const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
      const range = resolveRange(
        {},
        { first: num(row?.first), last: num(row?.last), createdAt: session.created_at },
      )
      const sums = summed.get(session.id) ?? zeroSums()
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

  /**
   * Engagement of each of these sessions that has anyone (staff left out): the counts the
   * recorder keeps in each session's row (migration 0022), one row a session.
   */
  private async engagementRows(ids: readonly string[]) {
    const rows = await this.db.kysely
      .selectFrom('analytics_sessions')
      .select(['session_id', 'people', 'asked_or_replied', 'voted_only'])
      .where('session_id', 'in', ids)
      .where('people', '>', 0)
      .execute()
    return rows.map((row) => {
      const people = Number(row.people)
      const askedOrReplied = Number(row.asked_or_replied)
      const votedOnly = Number(row.voted_only)
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
   * The median moderation and answer delays of each of these sessions, of the decisions
   * and answers made in `range` (all of them without it), given what the sessions' minutes
   * in it sum to (`sums`).
   */
  private async medians(sums: ReadonlyMap<string, Sums>, range?: MinuteRange) {
    const count = (name: keyof typeof DELAY_COUNTS) =>
      new Map([...sums].map(([id, s]) => [id, s[name]]))
    const [moderation, answer] = await Promise.all([
      this.medianDelays(count('moderated'), 'moderated_at', 'moderation_ms', range),
      this.medianDelays(count('answerTimed'), 'answered_at', 'answer_ms', range),
    ])
    return { moderation, answer }
  }

  /**
   * The median delay of each of these sessions (null without one), of the decisions or
   * answers made in `range` (all of them without it), given how many there are
   * (`counts`): the minutes count a delay in `moderated` or `answer_timed` exactly when
   * its question's row holds it, in the minute of its time. So the one or two middle
   * delays of every session are read in one query, off the index that holds each
   * session's delays in order (migration 0021), skipping to the middle without counting
   * first and without sorting. A long session has thousands of questions: counting them
   * per session took 40 queries for a comparison of 20 (on SQLite), and Postgres's
   * `percentile_cont` sorted all 45,000 delays of one, past its memory, to disk.
   */
  async medianDelays(
    counts: ReadonlyMap<string, number>,
    at: 'moderated_at' | 'answered_at',
    delay: 'moderation_ms' | 'answer_ms',
    range?: MinuteRange,
  ): Promise<Map<string, number | null>> {
    const medians = new Map<string, number | null>([...counts.keys()].map((id) => [id, null]))
    const middles = [...counts]
      .filter(([, n]) => n > 0)
      .map(([id, n]) => ({ id, skip: Math.floor((n - 1) / 2), take: n % 2 === 1 ? 1 : 2 }))
    if (middles.length === 0) return medians
    const value = sql.ref(delay)
    const inRange = range
      ? sql`and ${sql.ref(at)} >= ${range.from * MINUTE_MS} and ${sql.ref(at)} < ${range.to * MINUTE_MS}`
      : sql``
    const middle = (session: RawBuilder<unknown>, take: unknown, skip: unknown) =>
      sql`select ${value} as delay from analytics_questions
        where session_id = ${session} and ${value} is not null ${inRange}
        order by ${value} limit ${take} offset ${skip}`
    // Postgres plans one subquery for every session (a union of 20 took 12 ms to plan);
    // SQLite has no lateral join, and a union costs it nothing to plan.
    const query =
      this.db.dialect === 'postgres'
        ? sql<{ session_id: string; delay: unknown }>`select w.session_id, m.delay
            from unnest(${middles.map((m) => m.id)}::text[], ${middles.map((m) => m.take)}::int[],
              ${middles.map((m) => m.skip)}::int[]) as w(session_id, take, skip)
            cross join lateral (${middle(sql.ref('w.session_id'), sql.ref('w.take'), sql.ref('w.skip'))}) m`
        : sql<{ session_id: string; delay: unknown }>`${sql.join(
            middles.map(
              (m) =>
                sql`select * from (select ${m.id} as session_id, delay from (${middle(sql`${m.id}`, m.take, m.skip)}))`,
            ),
            sql` union all `,
          )}`
    const found = new Map<string, number[]>()
    for (const row of (await query.execute(this.db.kysely)).rows) {
      const values = found.get(row.session_id) ?? []
      values.push(Number(row.delay))
      found.set(row.session_id, values)
    }
    for (const [id, values] of found) medians.set(id, median(values.sort((x, y) => x - y)))
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
