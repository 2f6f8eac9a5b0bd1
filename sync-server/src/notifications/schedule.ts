/**
 * A session's start is given as people read it (a local date and time in a time zone)
 * and kept as an instant. Reminders are due at instants (24 hours before is 24 hours
 * before, across a daylight-saving change), and are worded in the session's zone.
 */

const parts = (instant: number, timeZone: string) => {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  })
  const get = (type: string) =>
    Number(format.formatToParts(instant).find((p) => p.type === type)?.value ?? 0)
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
  }
}

/** The wall clock in `timeZone` at `instant`: 2026-03-29T10:00 */
export function localTime(instant: number, timeZone: string): string {
  const p = parts(instant, timeZone)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`
}

/**
 * The instant a local time in `timeZone` names: the earlier one when clocks go back and
 * the time happens twice, null when clocks go forward over it and it never happens.
 */
export function instantOf(local: string, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local)
  if (!match) return null
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number]
  const asUtc = Date.UTC(y, mo - 1, d, h, mi)
  if (Number.isNaN(asUtc)) return null
  const offset = (instant: number) => {
    const p = parts(instant, timeZone)
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - instant
  }
  // The zone's offset an hour or so either side covers both sides of a change.
  const candidates = new Set(
    [asUtc - 36 * 3_600_000, asUtc, asUtc + 36 * 3_600_000].map((t) => asUtc - offset(t)),
  )
  const matching = [...candidates]
    .filter((t) => localTime(t, timeZone) === local)
    .sort((a, b) => a - b)
  return matching[0] ?? null
}

/** The start as a person reads it: Sunday 29 March 2026, 10:00 */
export function readableTime(instant: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(instant)
    .replace(' at ', ', ')
}

/** How far off the start is, in words: "in 24 hours", "in 15 minutes", "now". */
export function startsIn(now: number, startsAt: number): string {
  const minutes = Math.round((startsAt - now) / 60_000)
  if (minutes <= 0) return 'now'
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  const h = `${hours} hour${hours === 1 ? '' : 's'}`
  return rest === 0 ? `in ${h}` : `in ${h} and ${rest} minute${rest === 1 ? '' : 's'}`
}
