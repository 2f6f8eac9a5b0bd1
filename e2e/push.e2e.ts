import { type EventDraft, EventLog } from '@podium/sync-server'
import type { Browser, BrowserContext, CDPSession } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInByEmail } from '../test-support/accounts.ts'
import { launchBrowser } from '../test-support/browser.ts'
import { DESKTOP } from '../test-support/host.ts'
import { type Inbox, startInbox } from '../test-support/mail.ts'
import { request, type TestPodium } from '../test-support/podium.ts'
import {
  browserKeys,
  decryptPush,
  type PushReceived,
  type PushService,
  startPushService,
} from '../test-support/push.ts'
import { startServer } from '../test-support/served.ts'
import { newAddress, signInByMail } from './helpers/account.ts'

// Web push end to end: an analytics alert in a session the account owns is queued, sent by
// the server with the real web-push library (encrypted for the subscription, signed with
// the server's VAPID key) to a push service on this machine, which checks the signature and
// hands the message on to the browser, where the service worker the app registers shows it.
//
// Chromium here cannot subscribe with its own push service (that needs Google's servers),
// so the subscription's keys are made by the test, as the browser would make them, and the
// push service's last step to the browser (its own channel) is DevTools' push delivery to
// the page's real service worker registration, with the payload the browser would decrypt.

let server: TestPodium
let browser: Browser
let inbox: Inbox
let push: PushService
let context: BrowserContext
let cdp: CDPSession
const subscriber = browserKeys()
/** The service worker registration's id, once DevTools has told it. */
let registrationId: string | null = null
const handed: string[] = []

/** The push service's delivery to the subscribed browser: decrypted there, shown by its worker. */
async function deliver(message: PushReceived): Promise<void> {
  const payload = decryptPush(message.body, subscriber)
  handed.push(payload)
  if (!registrationId) throw new Error('no service worker registration to deliver to')
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: server.url,
    registrationId,
    data: payload,
  })
}

beforeAll(async () => {
  inbox = await startInbox()
  push = await startPushService({ delivered: (m) => deliver(m) })
  ;[server, browser] = await Promise.all([
    startServer(
      { SMTP_URL: inbox.url },
      { notifications: { pollMs: 50, push: { allowLoopback: true, ca: push.ca } } },
    ),
    launchBrowser(),
  ])
})

afterAll(async () => {
  await context?.close().catch(() => {})
  await browser?.close()
  await server?.close()
  await push?.close()
  await inbox?.close()
})

describe('web push in the browser', () => {
  it('an alert pushed by the server is shown by the service worker', async () => {
    context = await browser.newContext({ baseURL: server.url, viewport: DESKTOP })
    await context.grantPermissions(['notifications'], { origin: server.url })
    const page = await context.newPage()
    cdp = await context.newCDPSession(page)
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((r) => r.scopeURL.startsWith(server.url) && !r.isDeleted)
      if (ours) registrationId = ours.registrationId
    })
    await cdp.send('ServiceWorker.enable')

    const email = newAddress('pushed')
    await signInByMail(page, inbox, email)
    await page.goto('/account')
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)
    expect(scope).toBe(`${server.url}/`)
    await expect.poll(() => registrationId).not.toBeNull()

    // The account's subscription for this browser, with the keys it would make.
    const account = await signInByEmail(server.url, inbox, email)
    const made = await request<{ id: string }>(`${server.url}/api/push/subscriptions`, {
      token: account.accessToken,
      body: { endpoint: `${push.url}/push/this-browser`, keys: subscriber.keys },
    })
    expect(made.status).toBe(201)

    // A session the account owns loses half its people: the alert goes out by push too.
    const created = await request<{ id: string }>(`${server.url}/api/sessions`, {
      token: account.accessToken,
      body: { title: 'Pushed town hall' },
    })
    expect(created.status).toBe(201)
    const sessionId = created.body.id
    const { db, events } = server.podium.services
    const now = Date.now()
    const people = ['p-a', 'p-b', 'p-c', 'p-d', 'p-e', 'p-f']
    const drafts: EventDraft[] = [
      ...people.map((userId, i) => ({
        type: 'participant.joined' as const,
        userId,
        sessionId,
        at: now + i,
      })),
      ...['p-b', 'p-c', 'p-d'].map((userId, i) => ({
        type: 'participant.left' as const,
        userId,
        sessionId,
        at: now + 100 + i,
      })),
    ]
    await db.kysely.transaction().execute((trx) => new EventLog(db).append(trx, drafts))
    events.committed()

    // Shown by the worker, from the payload the server encrypted.
    const shown = await expect
      .poll(
        () =>
          page.evaluate(async () => {
            const registration = await navigator.serviceWorker.ready
            return (await registration.getNotifications()).map((n) => ({
              title: n.title,
              body: n.body,
              tag: n.tag,
              url: (n.data as { url?: string } | null)?.url ?? null,
            }))
          }),
        { timeout: 20_000, interval: 250 },
      )
      .toHaveLength(1)
      .then(() =>
        page.evaluate(async () => {
          const registration = await navigator.serviceWorker.ready
          const [n] = await registration.getNotifications()
          return { title: n?.title, body: n?.body, tag: n?.tag, data: n?.data }
        }),
      )
    const what = 'Participation fell by half: 3 present now, down from 6 in the last 5 minutes.'
    expect(shown.title).toBe(`"Pushed town hall": ${what}`)
    expect(shown.body).toBe(`"Pushed town hall": ${what}`)
    expect(shown.data).toMatchObject({
      kind: 'alert',
      url: expect.stringMatching(new RegExp(`/s/${sessionId}/analytics$`)),
    })

    // What went over the wire: one message, aes128gcm, VAPID-signed for the push service.
    const received = push.received.filter((r) => r.path === '/push/this-browser')
    expect(received).toHaveLength(1)
    expect(received[0]!.vapidProblem).toBeNull()
    expect(received[0]!.headers['content-encoding']).toBe('aes128gcm')
    expect(handed).toHaveLength(1)
    const row = await db.kysely
      .selectFrom('notifications')
      .select(['id', 'status', 'attempts'])
      .where('channel', '=', 'push')
      .where('session_id', '=', sessionId)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'sent', attempts: 1 })
    // One notification per message: its tag is the message's id.
    expect(shown.tag).toBe(row.id)
  })
})
