import type { Schedule } from '@podium/shared'

/**
 * A session's start as people read it: "Sunday 29 March 2026 at 10:00 (Europe/Berlin)", in
 * the zone the host meant, so everyone sees the hour on the host's clock and its zone.
 */
export function formatSchedule(schedule: Schedule): string {
  const at = new Date(schedule.startsAt).toLocaleString(undefined, {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: schedule.timeZone,
  })
  return `${at} (${schedule.timeZone.replace(/_/g, ' ')})`
}

/** The zone this browser is in, such as Europe/Berlin (UTC when it does not say). */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** Every IANA zone the browser knows, the given ones first when they are missing. */
export function timeZones(...wanted: string[]): string[] {
  const known =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
  const missing = wanted.filter((zone) => zone && !known.includes(zone))
  return [...new Set([...missing, ...known])]
}
