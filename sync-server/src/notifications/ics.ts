/** A calendar file (RFC 5545) with one event: the session, so a reminder can be added to a calendar. */
export function calendarEvent(event: {
  uid: string
  title: string
  startsAt: number
  url: string
  now: number
  durationMinutes?: number
}): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Podium//Session reminders//EN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `DTSTAMP:${utc(event.now)}`,
    `DTSTART:${utc(event.startsAt)}`,
    `DURATION:PT${event.durationMinutes ?? 60}M`,
    `SUMMARY:${text(event.title)}`,
    `DESCRIPTION:${text(`Join: ${event.url}`)}`,
    `URL:${event.url}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ]
  return `${lines.map(fold).join('\r\n')}\r\n`
}

/** 20260329T080000Z */
function utc(instant: number): string {
  return new Date(instant)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

/** A TEXT value: backslash, semicolon, comma and line breaks escaped. */
function text(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r?\n|\r/g, '\\n')
}

/** Lines longer than 75 octets continue on the next, after one space. */
function fold(line: string): string {
  const bytes = Buffer.from(line)
  if (bytes.length <= 75) return line
  const out: string[] = []
  let start = 0
  let limit = 75
  while (start < bytes.length) {
    let end = Math.min(bytes.length, start + limit)
    // Never split a UTF-8 character.
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--
    out.push(bytes.subarray(start, end).toString())
    start = end
    limit = 74
  }
  return out.join('\r\n ')
}
