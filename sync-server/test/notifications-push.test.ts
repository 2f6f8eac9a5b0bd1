import { get } from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInByEmail } from '../../test-support/accounts.ts'
import { type Inbox, startInbox } from '../../test-support/mail.ts'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { browserKeys, decryptPush, startPushService } from '../../test-support/push.ts'
import { endpointProblem, guardedAgent } from '../src/notifications/channels/push-endpoint.ts'

// Web push to a push service on this machine (https, its own certificate), decrypted
// with http_ece as a browser would; what the service answers (410, 429, 503) decides
// what happens to the message and the subscription.

const HOUR = 3_600_000

describe('web push', () => {
  let now = Date.UTC(2026, 5, 1, 12)
  let server: TestPodium
  let inbox: Inbox
  let push: Awaited<ReturnType<typeof startPushService>>
  const api = (path: string) => `${server.url}/api${path}`

  beforeAll(async () => {
    inbox = await startInbox()
    push = await startPushService({
      answers: { '/push/gone': [410], '/push/busy': [429], '/push/broken': [503] },
    })
    server = await startPodium(
      { SMTP_URL: inbox.url },
      {
        notifications: {
          clock: () => now,
          pollMs: 50,
          reminderScanMs: 24 * HOUR,
          push: { allowLoopback: true, ca: push.ca },
        },
      },
    )
  })
  afterAll(async () => {
    await server.close()
    await push.close()
    await inbox.close()
  })

  it('[NP-1] delivers an encrypted, VAPID-signed message; 410 removes the subscription; 429 and 503 are tried again', async () => {
    const person = await signInByEmail(server.url, inbox, 'pushed@example.org')
    const token = person.accessToken
    const browsers = Object.fromEntries(
      ['ok', 'gone', 'busy', 'broken'].map((name) => [name, browserKeys()]),
    )
    const ids: Record<string, string> = {}
    for (const [name, browser] of Object.entries(browsers)) {
      const made = await request<any>(api('/push/subscriptions'), {
        token,
        body: { endpoint: `${push.url}/push/${name}`, keys: browser.keys, expirationTime: null },
      })
      expect(made.status, name).toBe(201)
      ids[name] = made.body.id
    }
    const listed = await request<any>(api('/push/subscriptions'), { token })
    expect(listed.body.subscriptions).toHaveLength(4)
    expect(listed.body.publicKey).toMatch(/^B/)

    const host = await signInByEmail(server.url, inbox, 'pushhost@example.org')
    const created = await request<any>(api('/sessions'), {
      token: host.accessToken,
      body: { title: 'Pushed <live>' },
    })
    await request(api(`/sessions/${created.body.id}/schedule`), {
      method: 'PUT',
      token: created.body.hostToken,
      body: { startsAt: '2026-06-01T15:00', timeZone: 'Europe/London' },
    })
    await request(api('/me/follows'), { token, body: { code: created.body.code } })
    const { notifications, db } = server.podium.services
    // 13:00 UTC: an hour before the start (15:00 in London is 14:00 UTC in June).
    now = Date.UTC(2026, 5, 1, 13, 0)
    expect(await notifications.reminders.scan()).toBe(5)
    notifications.worker.kick()
    await notifications.worker.idle()

    const ok = push.received.filter((r) => r.path === '/push/ok')
    expect(ok).toHaveLength(1)
    const { headers, body } = ok[0]!
    expect(headers['content-encoding']).toBe('aes128gcm')
    expect(headers.ttl).toBe('86400')
    expect(headers.urgency).toBe('high')
    expect(headers.authorization).toMatch(
      new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${listed.body.publicKey}$`),
    )
    // Signed for this push service's origin with the server's VAPID key.
    expect(ok[0]!.vapidProblem).toBeNull()
    const message = JSON.parse(decryptPush(body, browsers.ok!))
    expect(message).toMatchObject({
      title: '"Pushed <live>" starts in 1 hour',
      kind: 'reminder',
      url: expect.stringMatching(/\/j\//),
    })
    expect(message.body).toContain('Monday, 1 June 2026, 15:00, Europe/London')

    const rows = await db.kysely
      .selectFrom('notifications')
      .select(['push_subscription_id', 'status', 'attempts', 'last_error'])
      .where('channel', '=', 'push')
      .execute()
    const bySubscription = (name: string) => rows.find((r) => r.push_subscription_id === ids[name])
    expect(bySubscription('ok')).toMatchObject({ status: 'sent', attempts: 1 })
    expect(bySubscription('gone')).toMatchObject({ status: 'dead', attempts: 1 })
    expect(bySubscription('gone')?.last_error).toMatch(/gone \(410\); it was removed/)
    expect(bySubscription('busy')).toMatchObject({ status: 'failed', attempts: 1 })
    expect(bySubscription('busy')?.last_error).toMatch(/answered 429/)
    expect(bySubscription('broken')).toMatchObject({ status: 'failed', attempts: 1 })
    const left = await request<any>(api('/push/subscriptions'), { token })
    expect(left.body.subscriptions.map((s: any) => s.id).sort()).toEqual(
      [ids.ok, ids.busy, ids.broken].sort(),
    )

    // Later, after the backoff (and the service's Retry-After): both arrive, once.
    now += 10 * 60_000
    notifications.worker.kick()
    await notifications.worker.idle()
    for (const name of ['busy', 'broken'])
      expect(
        push.received.filter((r) => r.path === `/push/${name}`),
        name,
      ).toHaveLength(2)
    const after = await db.kysely
      .selectFrom('notifications')
      .select(['status', 'attempts'])
      .where('channel', '=', 'push')
      .where('push_subscription_id', 'in', [ids.busy!, ids.broken!])
      .execute()
    expect(after).toEqual([
      { status: 'sent', attempts: 2 },
      { status: 'sent', attempts: 2 },
    ])
    expect(push.received.filter((r) => r.path === '/push/ok')).toHaveLength(1)

    const removed = await request(api(`/push/subscriptions/${ids.ok}`), { method: 'DELETE', token })
    expect(removed.status).toBe(204)
    const again = await request<any>(api(`/push/subscriptions/${ids.ok}`), {
      method: 'DELETE',
      token,
    })
    expect(again.status).toBe(404)
  })

  it('[NP-2] refuses endpoints that are not https or not on the public internet, and malformed keys', async () => {
    const person = await signInByEmail(server.url, inbox, 'refused@example.org')
    const { keys } = browserKeys()
    const cases: Array<[unknown, RegExp]> = [
      [{ endpoint: 'http://push.example.org/x', keys }, /endpoint must be an https URL/],
      [{ endpoint: 'https://10.1.2.3/x', keys }, /not a loopback, private or link-local/],
      [
        { endpoint: 'https://169.254.169.254/latest', keys },
        /not a loopback, private or link-local/,
      ],
      [{ endpoint: 'https://[fd00::1]/x', keys }, /not a loopback, private or link-local/],
      [{ endpoint: 'https://user:pw@push.example.org/x', keys }, /user name or password/],
      [{ endpoint: 'not a url', keys }, /absolute https URL/],
      [
        { endpoint: 'https://push.example.org/x', keys: { ...keys, p256dh: 'short' } },
        /keys\.p256dh/,
      ],
      [{ endpoint: 'https://push.example.org/x' }, /keys must hold p256dh and auth/],
    ]
    for (const [body, says] of cases) {
      const res = await request<any>(api('/push/subscriptions'), {
        token: person.accessToken,
        body,
      })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(JSON.stringify(res.body), JSON.stringify(body)).toMatch(says)
    }
    expect((await request(api('/push/subscriptions'), { body: cases[0]![0] })).status).toBe(401)
  })

  it('[NP-3] outside tests, loopback is refused too, also when a name resolves to it', async () => {
    const strict = { allowLoopback: false }
    expect(endpointProblem('https://127.0.0.1/x', strict)).toMatch(/loopback/)
    expect(endpointProblem('https://[::1]/x', strict)).toMatch(/loopback/)
    expect(endpointProblem('https://[::ffff:127.0.0.1]/x', strict)).toMatch(/loopback/)
    expect(endpointProblem('https://localhost/x', strict)).toMatch(/local name/)
    expect(endpointProblem('https://fcm.googleapis.com/fcm/send/abc', strict)).toBeNull()
    // A public-looking name that resolves to this machine is stopped at connection time.
    const agent = guardedAgent(strict, push.ca)
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const port = new URL(push.url).port
      get(`https://localhost:${port}/push/ok`, { agent }, () => resolve(new Error('connected'))).on(
        'error',
        resolve,
      )
    })
    agent.destroy()
    expect(error.code).toBe('EADDRNOTALLOWED')
  })
})
