import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../src/db/connect.ts'
import { calendarEvent } from '../src/notifications/ics.ts'
import { NotificationQueue } from '../src/notifications/queue.ts'
import { dueLead } from '../src/notifications/reminders.ts'
import { DEFAULT_RETRY, nextAttempt, retryDelay } from '../src/notifications/retry.ts'
import { instantOf, localTime, startsIn } from '../src/notifications/schedule.ts'
import { compile, escapeHtml, oneLine } from '../src/notifications/templates/language.ts'

// The notification domain's pure parts, and the queue's claim on a real SQLite file.

describe('retries', () => {
  it('[NU-1] wait exponentially, capped, anywhere in the upper half; none after the last attempt', () => {
    const policy = { baseMs: 1000, capMs: 10_000, maxAttempts: 5 }
    expect(retryDelay(1, policy, () => 0)).toBe(500)
    expect(retryDelay(1, policy, () => 1)).toBe(1000)
    expect(retryDelay(3, policy, () => 1)).toBe(4000)
    expect(retryDelay(9, policy, () => 1)).toBe(10_000)
    expect(retryDelay(9, policy, () => 0)).toBe(5000)
    expect(nextAttempt(100, 4, policy, () => 0)).toBe(100 + 4000)
    expect(nextAttempt(100, 5, policy)).toBeNull()
    // The defaults give up after about an hour.
    let total = 0
    for (let a = 1; a < DEFAULT_RETRY.maxAttempts; a++)
      total += retryDelay(a, DEFAULT_RETRY, () => 1)
    expect(total).toBeGreaterThan(50 * 60_000)
    expect(total).toBeLessThan(70 * 60_000)
  })
})

describe('schedules', () => {
  it('[NU-2] read local times in their zone: skipped ones are null, repeated ones the earlier', () => {
    expect(instantOf('2026-03-29T02:30', 'Europe/Berlin')).toBeNull()
    // 02:30 happens twice on 25 October 2026 in Berlin: first in summer time (00:30 UTC).
    expect(instantOf('2026-10-25T02:30', 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 25, 0, 30))
    expect(instantOf('2026-01-15T09:00', 'Asia/Kolkata')).toBe(Date.UTC(2026, 0, 15, 3, 30))
    expect(instantOf('2026-02-30T09:00', 'UTC')).toBeNull()
    const t = Date.UTC(2026, 6, 1, 23, 30)
    expect(localTime(t, 'Pacific/Auckland')).toBe('2026-07-02T11:30')
    expect(startsIn(0, 60_000)).toBe('in 1 minute')
    expect(startsIn(0, 25 * 3_600_000)).toBe('in 25 hours')
    expect(startsIn(10, 0)).toBe('now')
  })

  it('[NU-3] pick the reminder due: none before a day ahead, 24h, then 15m, none after the start', () => {
    const start = 100 * 3_600_000
    expect(dueLead(start - 24 * 3_600_000 - 1, start)).toBeNull()
    expect(dueLead(start - 24 * 3_600_000, start)).toBe('24h')
    expect(dueLead(start - 15 * 60_000 - 1, start)).toBe('24h')
    expect(dueLead(start - 15 * 60_000, start)).toBe('15m')
    expect(dueLead(start, start)).toBeNull()
  })

  it('[NU-4] make calendar files with escaped text and lines of at most 75 octets', () => {
    const ics = calendarEvent({
      uid: 'abc@podium',
      title: `Süße Grüße; a, b\\c\n${'é'.repeat(60)}`,
      startsAt: Date.UTC(2026, 2, 29, 8),
      url: 'https://podium.example.org/j/ABCDEF',
      now: Date.UTC(2026, 2, 1),
    })
    const lines = ics.split('\r\n')
    expect(lines.every((l) => Buffer.byteLength(l) <= 75)).toBe(true)
    const unfolded = ics.replace(/\r\n /g, '')
    expect(unfolded).toContain(`SUMMARY:Süße Grüße\\; a\\, b\\\\c\\n${'é'.repeat(60)}`)
    expect(unfolded).toContain('DTSTART:20260329T080000Z')
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true)
  })
})

describe('the template language', () => {
  it('[NU-5] escapes values, keeps sections only for values, and names what is wrong', () => {
    const t = compile(
      '<a href="{{url}}">{{#name}}Hi {{name}}{{/name}}</a>',
      'x.html',
      new Set(['url', 'name']),
    )
    expect(t.render({ url: 'https://e.org/?a=1&b="2"', name: '<b>' }, escapeHtml)).toBe(
      '<a href="https://e.org/?a=1&amp;b=&quot;2&quot;">Hi &lt;b&gt;</a>',
    )
    expect(t.render({ url: 'u', name: '' }, escapeHtml)).toBe('<a href="u"></a>')
    expect(() => compile('{{#a}}{{/b}}', 'y.txt', new Set(['a', 'b']))).toThrow(
      /template y\.txt, line 1: \{\{\/b\}\} closes \{\{#a\}\} from line 1/,
    )
    expect(() => compile('a\n\n{{ a b }}', 'z.txt', new Set(['a']))).toThrow(
      /line 3: "\{\{" is not part of/,
    )
    expect(oneLine('Hi\r\nBcc: x@example.org\u2028there')).toBe('Hi Bcc: x@example.org there')
  })
})

describe('claiming from the queue', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podium-queue-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('[NU-6] takes a row once; a row whose sender died is taken up again after its lease', async () => {
    const db = await openDatabase({ kind: 'sqlite', file: join(dir, 'q.sqlite') })
    let now = 1_000_000
    const queue = new NotificationQueue(db, () => now)
    try {
      const id = await queue.enqueue(db.kysely, {
        kind: 'sign-in',
        channel: 'email',
        to: { email: 'a@example.org' },
        data: { link: 'https://e.org' },
        subject: 'one',
      })
      const later = await queue.enqueue(db.kysely, {
        kind: 'sign-in',
        channel: 'email',
        to: { email: 'b@example.org' },
        data: { link: 'https://e.org' },
        subject: 'later',
        notBefore: now + 60_000,
      })
      const first = await queue.claim(10, 5_000)
      expect(first.map((r) => [r.id, r.status, r.attempts])).toEqual([[id, 'sending', 1]])
      expect(await queue.claim(10, 5_000)).toEqual([])
      // Its instance died: after the lease, anyone takes it up, with the attempt counted.
      now += 5_000
      const again = await queue.claim(10, 5_000)
      expect(again.map((r) => [r.id, r.attempts])).toEqual([[id, 2]])
      await queue.sent(id!, {})
      now += 60_000
      expect((await queue.claim(10, 5_000)).map((r) => r.id)).toEqual([later])
      expect(await queue.backlog()).toEqual({ waiting: 1, oldestDueMs: 0 })
    } finally {
      await db.close()
    }
  })
})
