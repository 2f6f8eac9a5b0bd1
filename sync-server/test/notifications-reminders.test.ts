import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInByEmail } from '../../test-support/accounts.ts'
import { type Inbox, startInbox } from '../../test-support/mail.ts'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'

// Reminders 24 hours and 15 minutes before a session's scheduled start, with the clock
// in the test's hands: due at instants, worded in the session's time zone, across the
// night European clocks move forward (29 March 2026, 02:00 becomes 03:00 in Berlin).

const HOUR = 3_600_000
/** 10:00 in Berlin on 29 March 2026 is 08:00 UTC (summer time, from that night on). */
const START = Date.UTC(2026, 2, 29, 8, 0)

describe('session reminders', () => {
  let now = Date.UTC(2026, 2, 27, 12, 0)
  let server: TestPodium
  let inbox: Inbox
  const api = (path: string) => `${server.url}/api${path}`
  let mailbox = 0
  const address = (what: string) => `${what}-${++mailbox}@example.org`

  beforeAll(async () => {
    inbox = await startInbox()
    server = await startPodium(
      { SMTP_URL: inbox.url },
      { notifications: { clock: () => now, pollMs: 50, reminderScanMs: 24 * HOUR } },
    )
  })
  afterAll(async () => {
    await server.close()
    await inbox.close()
  })

  const remindersTo = (email: string) =>
    inbox.messages.filter(
      (m) => JSON.stringify(m.to).includes(email) && /starts/.test(m.subject ?? ''),
    )

  /** Moves the clock, runs the scan, and waits for what it queued to be sent. */
  async function at(instant: number): Promise<number> {
    now = instant
    const { notifications } = server.podium.services
    const queued = await notifications.reminders.scan()
    notifications.worker.kick()
    await notifications.worker.idle()
    return queued
  }

  it('[NR-1] come at the right instants across a time-zone change, in the session’s zone, with a calendar file', async () => {
    const host = await signInByEmail(server.url, inbox, address('host'))
    const created = await request<any>(api('/sessions'), {
      token: host.accessToken,
      body: { title: 'Launch & "lift-off"' },
    })
    const scheduled = await request<any>(api(`/sessions/${created.body.id}/schedule`), {
      method: 'PUT',
      token: created.body.hostToken,
      body: { startsAt: '2026-03-29T10:00', timeZone: 'Europe/Berlin' },
    })
    expect(scheduled.status).toBe(200)
    expect(scheduled.body).toEqual({
      startsAt: START,
      timeZone: 'Europe/Berlin',
      local: '2026-03-29T10:00',
    })
    const info = await request<any>(api(`/sessions/${created.body.id}`), {
      token: created.body.hostToken,
    })
    expect(info.body.schedule).toEqual(scheduled.body)

    const fan = address('fan')
    const quiet = address('quiet')
    const follower = await signInByEmail(server.url, inbox, fan)
    const quietOne = await signInByEmail(server.url, inbox, quiet)
    for (const person of [follower, quietOne]) {
      const followed = await request<any>(api('/me/follows'), {
        token: person.accessToken,
        body: { code: created.body.code.toLowerCase() },
      })
      expect(followed.status).toBe(201)
      expect(followed.body.schedule.startsAt).toBe(START)
    }
    await request(api('/me/notifications'), {
      method: 'PUT',
      token: quietOne.accessToken,
      body: { kinds: { reminder: { email: false } } },
    })

    // A minute early: nothing. At 24 hours before (09:00 in Berlin, still winter time):
    // one reminder. A clock that subtracted 24 hours from the local time would wait for
    // 10:00 local, an hour late.
    expect(await at(START - 24 * HOUR - 60_000)).toBe(0)
    expect(remindersTo(fan)).toHaveLength(0)
    expect(await at(START - 24 * HOUR)).toBe(1)
    const day = await inbox.next(fan)
    expect(day.subject).toBe('"Launch & "lift-off"" starts in 24 hours')
    expect(day.text).toContain('starts in 24 hours: Sunday, 29 March 2026, 10:00 (Europe/Berlin)')
    expect(day.html).toContain('Launch &amp; &quot;lift-off&quot;')
    const ics = day.attachments.find((a) => a.filename === 'session.ics')
    expect(ics?.contentType).toBe('text/calendar')
    const calendar = ics?.content.toString('utf8') ?? ''
    expect(calendar).toContain('DTSTART:20260329T080000Z')
    expect(calendar).toContain('SUMMARY:Launch & "lift-off"')
    expect(calendar).toMatch(/URL:http:\/\/127\.0\.0\.1:\d+\/j\//)
    expect(calendar.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true)

    // Scans on any instance find it queued already; the later hours add nothing.
    expect(await at(START - 24 * HOUR)).toBe(0)
    expect(await at(START - 23 * HOUR)).toBe(0)
    expect(await at(START - 15 * 60_000 - 1)).toBe(0)
    expect(remindersTo(fan)).toHaveLength(1)

    // 15 minutes before: the second.
    expect(await at(START - 15 * 60_000)).toBe(1)
    const soon = await inbox.next(fan)
    expect(soon.subject).toBe('"Launch & "lift-off"" starts in 15 minutes')
    expect(await at(START + 60_000)).toBe(0)
    expect(remindersTo(fan)).toHaveLength(2)
    // Whoever turned reminder mail off got none.
    expect(remindersTo(quiet)).toHaveLength(0)
  })

  it('[NR-2] a session moved to another time is reminded of again; the old time’s reminder is not sent', async () => {
    now = Date.UTC(2026, 9, 20, 12, 0)
    const host = await signInByEmail(server.url, inbox, address('host'))
    const created = await request<any>(api('/sessions'), {
      token: host.accessToken,
      body: { title: 'Moved' },
    })
    const schedule = (startsAt: string) =>
      request<any>(api(`/sessions/${created.body.id}/schedule`), {
        method: 'PUT',
        token: created.body.hostToken,
        body: { startsAt, timeZone: 'America/New_York' },
      })
    const first = await schedule('2026-10-21T09:00')
    const fan = address('fan')
    const follower = await signInByEmail(server.url, inbox, fan)
    await request(api('/me/follows'), {
      token: follower.accessToken,
      body: { code: created.body.code },
    })
    // The reminder is queued; before it leaves, the host moves the session an hour.
    now = first.body.startsAt - 24 * HOUR
    const { notifications } = server.podium.services
    await notifications.worker.stop()
    expect(await notifications.reminders.scan()).toBe(1)
    const moved = await schedule('2026-10-21T10:00')
    expect(moved.body.startsAt).toBe(first.body.startsAt + HOUR)
    notifications.worker.start()
    await notifications.worker.idle()
    const rows = await server.podium.services.db.kysely
      .selectFrom('notifications')
      .select(['status', 'last_error'])
      .where('session_id', '=', created.body.id)
      .execute()
    expect(rows).toMatchObject([
      { status: 'dead', last_error: expect.stringMatching(/rescheduled/) },
    ])
    expect(await at(moved.body.startsAt - 24 * HOUR)).toBe(1)
    const mail = await inbox.next(fan)
    expect(mail.text).toContain('Wednesday, 21 October 2026, 10:00 (America/New_York)')
  })

  it('[NR-3] refuses a time that does not happen, an unknown zone, a past start, and a code nobody has', async () => {
    now = Date.UTC(2026, 2, 1)
    const host = await signInByEmail(server.url, inbox, address('host'))
    const created = await request<any>(api('/sessions'), {
      token: host.accessToken,
      body: { title: 'Bad input' },
    })
    const put = (body: unknown) =>
      request<any>(api(`/sessions/${created.body.id}/schedule`), {
        method: 'PUT',
        token: created.body.hostToken,
        body,
      })
    const gap = await put({ startsAt: '2026-03-29T02:30', timeZone: 'Europe/Berlin' })
    expect(gap.status).toBe(400)
    expect(gap.body.detail).toMatch(/does not happen in Europe\/Berlin/)
    const zone = await put({ startsAt: '2026-04-01T10:00', timeZone: 'Mars/Olympus_Mons' })
    expect(zone.status).toBe(400)
    expect(zone.body.detail).toMatch(/an IANA time zone such as Europe\/Berlin/)
    const shape = await put({ startsAt: '1 April, 10am', timeZone: 'Europe/Berlin' })
    expect(shape.body.detail).toMatch(/a local date and time such as 2026-03-29T10:00/)
    const past = await put({ startsAt: '2026-02-01T10:00', timeZone: 'Europe/Berlin' })
    expect(past.body.detail).toMatch(/in the past/)
    const attendee = await request<any>(api('/join'), { body: { code: created.body.code } })
    const notHost = await request<any>(api(`/sessions/${created.body.id}/schedule`), {
      method: 'PUT',
      token: attendee.body.token,
      body: { startsAt: '2026-04-01T10:00', timeZone: 'Europe/Berlin' },
    })
    expect(notHost.status).toBe(403)
    const nobody = await request<any>(api('/me/follows'), {
      token: host.accessToken,
      body: { code: 'ZZZZZZ' },
    })
    expect(nobody.status).toBe(404)

    // Following, listing, unfollowing; clearing a schedule.
    await put({ startsAt: '2026-04-01T10:00', timeZone: 'Europe/Berlin' })
    await request(api('/me/follows'), {
      token: host.accessToken,
      body: { code: created.body.code },
    })
    const follows = await request<any>(api('/me/follows'), { token: host.accessToken })
    expect(follows.body.follows).toEqual([
      {
        sessionId: created.body.id,
        title: 'Bad input',
        code: created.body.code,
        schedule: {
          startsAt: Date.UTC(2026, 3, 1, 8),
          timeZone: 'Europe/Berlin',
          local: '2026-04-01T10:00',
        },
      },
    ])
    const cleared = await request(api(`/sessions/${created.body.id}/schedule`), {
      method: 'DELETE',
      token: created.body.hostToken,
    })
    expect(cleared.status).toBe(204)
    const listed = await request<any>(api('/me/follows'), { token: host.accessToken })
    expect(listed.body.follows[0].schedule).toBeNull()
    const unfollow = () =>
      request(api(`/me/follows/${created.body.id}`), { method: 'DELETE', token: host.accessToken })
    expect((await unfollow()).status).toBe(204)
    expect((await unfollow()).status).toBe(404)
  })
})
