import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInByEmail } from '../../test-support/accounts.ts'
import { type Inbox, startInbox } from '../../test-support/mail.ts'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'

// SMS through a stand-in on this machine that speaks Twilio's wire format: form-encoded
// To/From/Body, Basic auth with the account's sid and token, JSON answers and errors.

const SID = 'AC0123456789abcdef0123456789abcdef'
const AUTH = 'an-auth-token-for-tests'
/** The number Twilio's test credentials refuse as invalid. */
const INVALID = '+15005550001'

interface Sms {
  to: string
  from: string
  body: string
}

async function startSmsProvider() {
  const sent: Sms[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const answer = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
      const expected = `Basic ${Buffer.from(`${SID}:${AUTH}`).toString('base64')}`
      if (req.headers.authorization !== expected)
        return answer(401, { code: 20003, message: 'Authenticate', status: 401 })
      if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${SID}/Messages.json`)
        return answer(404, {
          code: 20404,
          message: 'The requested resource was not found',
          status: 404,
        })
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
      const sms = {
        to: form.get('To') ?? '',
        from: form.get('From') ?? '',
        body: form.get('Body') ?? '',
      }
      if (sms.to === INVALID)
        return answer(400, {
          code: 21211,
          message: `The 'To' number ${INVALID} is not a valid phone number.`,
          status: 400,
        })
      sent.push(sms)
      answer(201, { sid: `SM${sent.length}`, status: 'queued', ...sms })
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

describe('SMS reminders', () => {
  let now = Date.UTC(2026, 4, 10, 9)
  let server: TestPodium
  let inbox: Inbox
  let provider: Awaited<ReturnType<typeof startSmsProvider>>
  const api = (path: string) => `${server.url}/api${path}`

  beforeAll(async () => {
    inbox = await startInbox()
    provider = await startSmsProvider()
    server = await startPodium(
      {
        SMTP_URL: inbox.url,
        SMS_URL: provider.url,
        SMS_ACCOUNT_SID: SID,
        SMS_AUTH_TOKEN: AUTH,
        SMS_FROM: '+15005550006',
      },
      { notifications: { clock: () => now, pollMs: 50, reminderScanMs: 24 * 3_600_000 } },
    )
  })
  afterAll(async () => {
    await server.close()
    await provider.close()
    await inbox.close()
  })

  it('[NS-1] confirms a number with a code, then texts reminders to it', async () => {
    const person = await signInByEmail(server.url, inbox, 'texted@example.org')
    const token = person.accessToken
    const settings = await request<any>(api('/me/notifications'), { token })
    expect(settings.body.offered).toEqual(['email', 'push', 'sms'])
    expect(settings.body.phone).toBeNull()

    const given = await request<any>(api('/me/phone'), {
      method: 'PUT',
      token,
      body: { phone: '+49 (30) 123-4567' },
    })
    expect(given.status).toBe(202)
    expect(given.body).toEqual({ number: '+49301234567', confirmed: false })
    const [codeSms] = provider.sent
    expect(codeSms).toMatchObject({ to: '+49301234567', from: '+15005550006' })
    const code = /(\d{6})/.exec(codeSms!.body)?.[1] ?? ''
    expect(codeSms!.body).toBe(`Your Podium code is ${code}. It works for 10 minutes.`)

    const wrong = await request<any>(api('/me/phone/confirm'), {
      token,
      body: { code: code === '000000' ? '111111' : '000000' },
    })
    expect(wrong.status).toBe(400)
    expect(wrong.body.detail).toMatch(/not the code sent to \+49301234567\. 4 tries left/)
    const right = await request<any>(api('/me/phone/confirm'), { token, body: { code } })
    expect(right.status).toBe(200)
    expect(right.body).toEqual({ number: '+49301234567', confirmed: true })

    const host = await signInByEmail(server.url, inbox, 'smshost@example.org')
    const created = await request<any>(api('/sessions'), {
      token: host.accessToken,
      body: { title: 'Texted talk' },
    })
    await request(api(`/sessions/${created.body.id}/schedule`), {
      method: 'PUT',
      token: created.body.hostToken,
      body: { startsAt: '2026-05-11T10:00', timeZone: 'Asia/Tokyo' },
    })
    await request(api('/me/follows'), { token, body: { code: created.body.code } })
    const { notifications } = server.podium.services
    now = Date.UTC(2026, 4, 11, 0, 45) // 09:45 in Tokyo
    expect(await notifications.reminders.scan()).toBe(2) // e-mail and SMS
    notifications.worker.kick()
    await notifications.worker.idle()
    const reminder = provider.sent.at(-1)
    expect(reminder?.to).toBe('+49301234567')
    expect(reminder?.body).toMatch(
      /^"Texted talk" starts in 15 minutes \(Monday, 11 May 2026, 10:00, Asia\/Tokyo\)\. Join: http:\/\/127\.0\.0\.1:\d+\/j\/\w+$/,
    )
    expect(provider.sent).toHaveLength(2)

    // Texts off for reminders: the next session sends mail only.
    await request(api('/me/notifications'), {
      method: 'PUT',
      token,
      body: { kinds: { reminder: { sms: false } } },
    })
    const later = await request<any>(api('/sessions'), {
      token: host.accessToken,
      body: { title: 'Quiet talk' },
    })
    await request(api(`/sessions/${later.body.id}/schedule`), {
      method: 'PUT',
      token: later.body.hostToken,
      body: { startsAt: '2026-05-12T10:00', timeZone: 'Asia/Tokyo' },
    })
    await request(api('/me/follows'), { token, body: { code: later.body.code } })
    now = Date.UTC(2026, 4, 12, 0, 45)
    expect(await notifications.reminders.scan()).toBe(1)
  })

  it('[NS-2] refuses a number that is not one; a number the provider refuses is dead, not retried', async () => {
    const person = await signInByEmail(server.url, inbox, 'badnumber@example.org')
    const token = person.accessToken
    for (const phone of ['030 1234567', '+0 123', 'call me', '+49301234567\r\nX']) {
      const res = await request<any>(api('/me/phone'), { method: 'PUT', token, body: { phone } })
      expect(res.status, phone).toBe(400)
      expect(res.body.detail, phone).toMatch(/a number with its country code, such as \+4930123456/)
    }
    const code = await request<any>(api('/me/phone/confirm'), { token, body: { code: '12ab56' } })
    expect(code.status).toBe(400)
    expect(code.body.detail).toMatch(/the 6 digits sent/)

    const refused = await request<any>(api('/me/phone'), {
      method: 'PUT',
      token,
      body: { phone: INVALID },
    })
    expect(refused.status).toBe(202)
    await server.podium.services.notifications.worker.idle()
    const [row] = await server.podium.services.db.kysely
      .selectFrom('notifications')
      .select(['status', 'attempts', 'last_error'])
      .where('phone', '=', INVALID)
      .execute()
    expect(row).toMatchObject({ status: 'dead', attempts: 1 })
    expect(row?.last_error).toMatch(
      /refused the message \(400\): The 'To' number .* \(code 21211\)/,
    )
  })
})
