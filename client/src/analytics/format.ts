/** How the dashboard writes times, delays and counts. */

const numberFormat = new Intl.NumberFormat('en')

export const count = (n: number): string => numberFormat.format(n)

/** A delay in milliseconds as people read it: "45 s", "3 min 5 s", "1 h 2 min"; "—" for none. */
export function duration(ms: number | null): string {
  if (ms === null) return '—'
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60)
    return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`
  const hours = Math.floor(minutes / 60)
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
}

/** A bucket's start: the time of day, with the date when the range spans days. */
export function bucketTime(at: number, withDate: boolean): string {
  const d = new Date(at)
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })
  if (!withDate) return time
  return `${d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${time}`
}

/** "per minute", "per 5 minutes", "per hour", "per 2 days". */
export function perBucket(minutes: number): string {
  if (minutes === 1) return 'per minute'
  if (minutes % 1_440 === 0) return minutes === 1_440 ? 'per day' : `per ${minutes / 1_440} days`
  if (minutes % 60 === 0) return minutes === 60 ? 'per hour' : `per ${minutes / 60} hours`
  return `per ${minutes} minutes`
}

/** A share as a whole percentage; "—" of nothing. */
export function share(part: number, whole: number): string {
  return whole === 0 ? '—' : `${Math.round((100 * part) / whole)} %`
}
