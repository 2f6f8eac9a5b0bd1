import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession } from '../../test-support/api.ts'
import { type Inbox, startInbox } from '../../test-support/mail.ts'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { parseFeedbackMail } from '../src/notifications/feedback.ts'

// A mail relay's feedback loop: complaints and bounces posted to POST /api/mail/feedback,
// as JSON or as the abuse report (RFC 5965) or delivery status notification (RFC 3464)
// the relay mails, put the address on the suppression list; then nothing that is not
// transactional is queued for it, and a sign-in link still is.

const TOKEN = 'feedback-token-0123456789abcdef'

/** An abuse report as a relay's feedback loop mails it (after RFC 5965's example). */
const arf = (to: string) =>
  [
    'From: <abusedesk@relay.example.net>',
    'To: <feedback@podium.example.org>',
    'Subject: FW: Podium invite',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report;',
    '    boundary="part1_13d.2e68ed54_boundary"',
    '',
    '--part1_13d.2e68ed54_boundary',
    'Content-Type: text/plain; charset="US-ASCII"',
    '',
    'This is an email abuse report for an email message received from IP',
    '192.0.2.1 on Thu, 8 Mar 2005 14:00:00 EDT.',
    '',
    '--part1_13d.2e68ed54_boundary',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: SomeGenerator/1.0',
    'Version: 1',
    `Original-Rcpt-To: <${to}>`,
    '',
    '--part1_13d.2e68ed54_boundary',
    'Content-Type: message/rfc822',
    'Content-Disposition: inline',
    '',
    'From: Podium <podium@example.org>',
    `To: Someone <${to}>`,
    'Subject: You are invited',
    '',
    'Join us.',
    '--part1_13d.2e68ed54_boundary--',
    '',
  ].join('\r\n')

/** A delivery status notification: one recipient failed for good, one for now. */
const dsn = (hard: string, soft: string) =>
  [
    'From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.net>',
    'To: <bounces@podium.example.org>',
    'Subject: Delivery Status Notification (Failure)',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="RAA14128.773615765/relay"',
    '',
    '--RAA14128.773615765/relay',
    'Content-Type: text/plain',
    '',
    'The original message was received but could not be delivered.',
    '',
    '--RAA14128.773615765/relay',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; relay.example.net',
    'Arrival-Date: Thu, 7 Jul 1994 17:15:49 -0400',
    '',
    `Final-Recipient: RFC822; ${hard}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 No such user',
    '',
    `Final-Recipient: rfc822; ${soft}`,
    'Action: failed',
    'Status: 4.2.2',
    'Diagnostic-Code: smtp; 452 4.2.2 Mailbox full',
    '',
    '--RAA14128.773615765/relay--',
    '',
  ].join('\r\n')

describe('mail feedback, read', () => {
  it('[NF-1] reads the recipient of an abuse report and the failed ones of a DSN', () => {
    expect(parseFeedbackMail(arf('Spam.Pressed@Example.org'))).toEqual([
      { type: 'complaint', email: 'spam.pressed@example.org', permanent: true },
    ])
    expect(parseFeedbackMail(dsn('gone@example.org', 'full@example.org'))).toEqual([
      { type: 'bounce', email: 'gone@example.org', permanent: true },
      { type: 'bounce', email: 'full@example.org', permanent: false },
    ])
    expect(() => parseFeedbackMail('Subject: hello\r\n\r\nJust a mail.')).toThrow(
      /neither an abuse report .* nor a delivery status notification/,
    )
    expect(() =>
      parseFeedbackMail(
        arf('x@example.org')
          .replace(/Original-Rcpt-To.*\r\n/, '')
          .replace(/To: Someone.*\r\n/, ''),
      ),
    ).toThrow(/names no recipient/)
  })
})

describe('mail feedback over HTTP', () => {
  let server: TestPodium
  let inbox: Inbox
  const url = () => `${server.url}/api/mail/feedback`

  beforeAll(async () => {
    inbox = await startInbox()
    server = await startPodium(
      { SMTP_URL: inbox.url, MAIL_FEEDBACK_TOKEN: TOKEN },
      { notifications: { pollMs: 50 } },
    )
  })
  afterAll(async () => {
    await server?.close()
    await inbox?.close()
  })

  const invite = async (email: string) => {
    const session = await createSession(server.url)
    const made = await request<{ emailed: boolean }>(
      `${server.url}/api/sessions/${session.id}/invites`,
      { token: session.hostToken, body: { role: 'moderator', email } },
    )
    expect(made.status).toBe(201)
    return made.body.emailed
  }

  it('[NF-2] a complaint or a hard bounce stops mail that is not transactional, and only that', async () => {
    const json = await request<{ suppressed: unknown[]; ignored: number }>(url(), {
      token: TOKEN,
      body: {
        reports: [
          { type: 'complaint', email: 'Complained@Example.org' },
          { type: 'bounce', email: 'soft@example.org', permanent: false },
        ],
      },
    })
    expect(json.status).toBe(200)
    expect(json.body).toEqual({
      suppressed: [{ email: 'complained@example.org', reason: 'complained' }],
      ignored: 1,
    })
    const report = await request<{ suppressed: unknown[] }>(url(), {
      token: TOKEN,
      headers: { 'content-type': 'message/rfc822' },
      body: arf('reported@example.org'),
    })
    expect(report.body).toEqual({
      suppressed: [{ email: 'reported@example.org', reason: 'complained' }],
      ignored: 0,
    })
    const bounce = await request<{ suppressed: unknown[] }>(url(), {
      token: TOKEN,
      headers: { 'content-type': 'message/rfc822' },
      body: dsn('gone@example.org', 'full@example.org'),
    })
    expect(bounce.body).toEqual({
      suppressed: [{ email: 'gone@example.org', reason: 'bounced' }],
      ignored: 1,
    })
    // Posted again: nothing changes, nothing fails.
    const again = await request(url(), {
      token: TOKEN,
      body: { reports: [{ type: 'complaint', email: 'complained@example.org' }] },
    })
    expect(again.status).toBe(200)

    for (const email of ['complained@example.org', 'reported@example.org', 'gone@example.org'])
      expect(await invite(email), email).toBe(false)
    for (const email of ['soft@example.org', 'full@example.org'])
      expect(await invite(email), email).toBe(true)
    // A sign-in link is transactional: it still goes to an address that complained.
    const signIn = await request(`${server.url}/api/auth/email`, {
      body: { email: 'complained@example.org' },
    })
    expect(signIn.status).toBe(202)
    const mail = await inbox.next('complained@example.org')
    expect(mail.subject).toMatch(/sign/i)
    const rows = await server.podium.services.db.kysely
      .selectFrom('notification_suppressions')
      .select(['email', 'kind', 'reason'])
      .orderBy('email')
      .execute()
    expect(rows).toEqual([
      { email: 'complained@example.org', kind: '*', reason: 'complained' },
      { email: 'gone@example.org', kind: '*', reason: 'bounced' },
      { email: 'reported@example.org', kind: '*', reason: 'complained' },
    ])
  })

  it('[NF-3] refuses a missing or wrong token and bad reports, as problem+json', async () => {
    const body = { reports: [{ type: 'complaint', email: 'x@example.org' }] }
    const cases: Array<[Parameters<typeof request>[1], number, RegExp]> = [
      [{ body }, 401, /MAIL_FEEDBACK_TOKEN/],
      [{ body, token: `${TOKEN}x` }, 401, /missing or wrong/],
      [{ token: TOKEN, body: { reports: [] } }, 400, /at least one report/],
      [
        { token: TOKEN, body: { reports: [{ type: 'spam', email: 'x@example.org' }] } },
        400,
        /complaint or bounce/,
      ],
      [
        { token: TOKEN, body: { reports: [{ type: 'bounce', email: 'not-an-address' }] } },
        400,
        /e-mail address/,
      ],
      [{ token: TOKEN, body: { ...body, ip: '10.0.0.1' } }, 400, /only reports/],
      [
        {
          token: TOKEN,
          headers: { 'content-type': 'message/rfc822' },
          body: 'Subject: hi\r\n\r\nhello',
        },
        400,
        /neither an abuse report/,
      ],
    ]
    for (const [init, status, detail] of cases) {
      const res = await request<{ detail: string }>(url(), init)
      expect(res.status, JSON.stringify(init)).toBe(status)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect(res.body.detail).toMatch(detail)
    }
    const rows = await server.podium.services.db.kysely
      .selectFrom('notification_suppressions')
      .select('email')
      .where('email', '=', 'x@example.org')
      .execute()
    expect(rows).toEqual([])
  })

  it('[NF-4] without MAIL_FEEDBACK_TOKEN the route says how to turn it on', async () => {
    const plain = await startPodium()
    try {
      const res = await request<{ detail: string }>(`${plain.url}/api/mail/feedback`, {
        token: TOKEN,
        body: { reports: [{ type: 'complaint', email: 'x@example.org' }] },
      })
      expect(res.status).toBe(404)
      expect(res.body.detail).toMatch(/set MAIL_FEEDBACK_TOKEN/)
    } finally {
      await plain.close()
    }
  })
})
