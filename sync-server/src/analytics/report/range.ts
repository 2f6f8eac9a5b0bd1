import { ANALYTICS_MAX_POINTS } from '@podium/shared'
import { HttpProblem } from '@podium/shared/server'
import { MINUTE_MS, minuteOf } from '../record/rollup.ts'

/** A report's range in whole minutes since the epoch, `to` excluded, cut into buckets. */
export interface MinuteRange {
  from: number
  to: number
  bucket: number
}

/** The minutes a session had anything happen in (null: none yet), and when it was made. */
export interface Activity {
  first: number | null
  last: number | null
  createdAt: number
}

/** Bucket sizes (minutes) chosen when none is asked for; beyond a day, whole days. */
const NICE_BUCKETS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1_440]

const iso = (minute: number) => new Date(minute * MINUTE_MS).toISOString()

/**
 * The range a report covers: `from` rounded down and `to` up to whole minutes; without
 * them, from the session's first minute with activity to the end of its last. A range
 * `from` after `to`, or a bucket that would make more than ANALYTICS_MAX_POINTS points,
 * is a 400 that says what to ask for instead.
 */
export function resolveRange(
  asked: { from?: number | undefined; to?: number | undefined; bucket?: number | undefined },
  activity: Activity,
): MinuteRange {
  if (asked.from !== undefined && asked.to !== undefined && asked.from >= asked.to) {
    throw HttpProblem.badRequest(
      `from (${new Date(asked.from).toISOString()}) must be before to (${new Date(asked.to).toISOString()}).`,
    )
  }
  const firstActive = activity.first ?? minuteOf(activity.createdAt)
  const lastActive = activity.last ?? firstActive
  const from =
    asked.from !== undefined
      ? minuteOf(asked.from)
      : asked.to !== undefined
        ? Math.min(firstActive, Math.ceil(asked.to / MINUTE_MS) - 1)
        : firstActive
  const to =
    asked.to !== undefined ? Math.ceil(asked.to / MINUTE_MS) : Math.max(lastActive + 1, from + 1)
  const span = to - from
  const least = Math.ceil(span / ANALYTICS_MAX_POINTS)
  if (asked.bucket !== undefined && asked.bucket < least) {
    const points = Math.ceil(span / asked.bucket)
    throw HttpProblem.badRequest(
      `A bucket of ${asked.bucket} minute${asked.bucket === 1 ? '' : 's'} cuts ${iso(from)} to ${iso(to)} into ${points.toLocaleString('en')} points; a report has at most ${ANALYTICS_MAX_POINTS.toLocaleString('en')}. Ask for bucket=${least}m or more, or a shorter range.`,
    )
  }
  const bucket =
    asked.bucket ?? NICE_BUCKETS.find((b) => b >= least) ?? Math.ceil(least / 1_440) * 1_440
  return { from, to, bucket }
}
