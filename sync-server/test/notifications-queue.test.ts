import { mkdtempSync, rmSync } from 'node:fs'
import { type AddressInfo, createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Inbox, linkIn, startInbox } from '../../test-support/mail.ts'
import { request, startPodium, startPodiumOn, type TestPodium } from '../../test-support/podium.ts'
import { createTestSchema, type TestSchema } from '../../test-support/postgres.ts'
import type { Notice } from '../src/notifications/notify.ts'
import { waitFor } from './helpers/clients.ts'
import { DIALECTS } from './helpers/databases.ts'

// The durable queue (docs/notifications.md): a message is stored with the change that
// causes it, sent once whatever retries, restarts or instances there are, retried with
// backoff while its channel fails, and dead (still visible) after the last attempt.

let mailbox = 0
const address = (what: string) => `${what}-${Date.now()}-${++mailbox}@example.org`

/** Quick retries and polls, so a test sees several attempts in a second. */
const QUICK = { pollMs: 50, retry: { baseMs: 100, capMs: 300, maxAttempts: 3 } }

async function rowsFor(server: TestPodium, email: string) {
  return server.podium.services.db.kysely
    .selectFrom('notifications')
    .selectAll()
    .where('email', '=', email)
    .execute()
}

const invite = (email: string): Notice => ({
  kind: 'invite',
  subject: `invite-${email}`,
  data: {
    link: 'https://podium.example.org/i/not-a-real-invite',
    role: 'moderator',
    sessionTitle: 'Queue test',
    inviterName: 'Ada',
    expiresAt: Date.UTC(2030, 0, 1),
  },
})

describe.each(DIALECTS)('the notification queue on %s', (dialect) => {
  let server: TestPodium
  let inbox: Inbox
  // Per address: how many times the inbox has refused it so far.
  const refusals = new Map<string, number>()

  beforeAll(async () => {
    inbox = await startInbox({
      refuse: (to) => {
        const seen = refusals.get(to) ?? 0
        refusals.set(to, seen + 1)
        if (to.startsWith('flaky-') && seen < 2) return 451
        if (to.startsWith('down-')) return 452
        if (to.startsWith('gone-')) return 550
        return null
      },
    })
    server = await startPodiumOn(
      dialect,
      {
        SMTP_URL: inbox.url,
      },
      { notifications: QUICK },
    )
  })
  afterAll(async () => {
    await server.close()
    await inbox.close()
  })

  it('[NQ-1] queues in the caller’s transaction: a rollback leaves no message, a repeat adds none', async () => {
    const { db, notifications } = server.podium.services
    const email = address('rollback')
    await expect(
      db.kysely.transaction().execute(async (trx) => {
        await notifications.notifier.toAddress(trx, email, invite(email))
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')
    expect(await rowsFor(server, email)).toEqual([])

    const once = address('once')
    const first = await db.kysely
      .transaction()
      .execute((trx) => notifications.notifier.toAddress(trx, once, invite(once)))
    const again = await db.kysely
      .transaction()
      .execute((trx) => notifications.notifier.toAddress(trx, once, invite(once)))
    expect(first).toEqual(expect.any(String))
    expect(again).toBeNull()
    await inbox.next(once)
    await notifications.worker.idle()
    expect(inbox.messages.filter((m) => JSON.stringify(m.to).includes(once))).toHaveLength(1)
    const [row] = await rowsFor(server, once)
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null })
    // The invite link is a bearer secret: not kept once sent.
    expect(JSON.parse(row!.data)).not.toHaveProperty('link')
  })

  it('[NQ-2] a mail server that refuses the first attempts: the mail arrives once, later', async () => {
    const email = address('flaky')
    const asked = await request(`${server.url}/api/auth/email`, { body: { email } })
    expect(asked.status).toBe(202)
    const mail = await inbox.next(email, 10_000)
    expect(linkIn(mail)).toMatch(/\/api\/auth\/email\/callback\?token=/)
    await server.podium.services.notifications.worker.idle()
    expect(inbox.messages.filter((m) => JSON.stringify(m.to).includes(email))).toHaveLength(1)
    const [row] = await rowsFor(server, email)
    expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null })
    // Sent: the sign-in link is not kept in the queue.
    expect(JSON.parse(row!.data)).toEqual({})
    expect(refusals.get(email)).toBe(3)
  })

  it('[NQ-3] after the last attempt a message is dead and stays visible; its request still succeeded', async () => {
    const email = address('down')
    const asked = await request(`${server.url}/api/auth/email`, { body: { email } })
    expect(asked.status).toBe(202)
    const { db } = server.podium.services
    let rows: Awaited<ReturnType<typeof rowsFor>> = []
    const until = Date.now() + 10_000
    while (rows[0]?.status !== 'dead' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50))
      rows = await rowsFor(server, email)
    }
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ status: 'dead', attempts: 3 })
    expect(rows[0]!.last_error).toMatch(/Try again later/)
    expect(refusals.get(email)).toBe(3)

    // A retry queues it again with fresh attempts.
    expect(await server.podium.services.notifications.queue.retry(rows[0]!.id)).toBe(true)
    const [again] = await db.kysely
      .selectFrom('notifications')
      .select(['status', 'attempts'])
      .where('id', '=', rows[0]!.id)
      .execute()
    expect(again?.attempts).toBe(0)

    const metrics = await request<string>(`${server.url}/metrics`)
    expect(metrics.body).toMatch(
      /podium_notifications_dead_total\{channel="email",kind="sign-in"\} [1-9]/,
    )
    expect(metrics.body).toMatch(
      /podium_notifications_failed_total\{channel="email",kind="sign-in"\} [1-9]/,
    )
    expect(metrics.body).toMatch(
      /podium_notifications_sent_total\{channel="email",kind="sign-in"\} [1-9]/,
    )
    expect(metrics.body).toMatch(/^podium_notifications_queued \d+$/m)
    expect(metrics.body).toMatch(/^podium_notifications_oldest_due_seconds [\d.e+-]+$/m)
  })

  it('[NQ-4] a recipient refused for good is dead at once, and gets no more mail that is not transactional', async () => {
    const { db, notifications } = server.podium.services
    const email = address('gone')
    await db.kysely
      .transaction()
      .execute((trx) => notifications.notifier.toAddress(trx, email, invite(email)))
    notifications.worker.kick()
    let rows = await rowsFor(server, email)
    const until = Date.now() + 10_000
    while (rows[0]?.status !== 'dead' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50))
      rows = await rowsFor(server, email)
    }
    expect(rows[0]).toMatchObject({ status: 'dead', attempts: 1 })
    expect(rows[0]!.last_error).toMatch(/refused the mail for good/)
    const suppressed = await db.kysely
      .selectFrom('notification_suppressions')
      .selectAll()
      .where('email', '=', email)
      .execute()
    expect(suppressed).toMatchObject([{ kind: '*', reason: 'bounced' }])

    // Nothing more is queued for it; what was queued before the bounce is not sent.
    const second = { ...invite(email), subject: `second-${email}` }
    expect(
      await db.kysely
        .transaction()
        .execute((trx) => notifications.notifier.toAddress(trx, email, second)),
    ).toBeNull()
    const refusedBefore = refusals.get(email)
    await notifications.queue.enqueue(db.kysely, {
      ...second,
      channel: 'email',
      to: { email },
    })
    notifications.worker.kick()
    await notifications.worker.idle()
    rows = await rowsFor(server, email)
    expect(rows).toHaveLength(2)
    expect(rows.find((r) => r.idempotency_key.includes('second-'))).toMatchObject({
      status: 'dead',
      attempts: 1,
      last_error: expect.stringMatching(/suppression list \(bounced\)/),
    })
    // The mail server was not asked again.
    expect(refusals.get(email)).toBe(refusedBefore)
  })
})

describe('a restart', () => {
  it('[NQ-6] loses nothing queued and sends nothing twice', async () => {
    const inbox = await startInbox()
    const dataDir = mkdtempSync(joinPath(tmpdir(), 'podium-queue-restart-'))
    try {
      const first = await startPodium({ SMTP_URL: inbox.url }, { dataDir, notifications: QUICK })
      const { db, notifications } = first.podium.services
      // Queued while the worker is not running (it stopped, or the process died first).
      await notifications.worker.stop()
      const sentBefore = address('before')
      const pending = address('pending')
      await db.kysely.transaction().execute(async (trx) => {
        await notifications.notifier.toAddress(trx, sentBefore, invite(sentBefore))
        await notifications.notifier.toAddress(trx, pending, invite(pending))
      })
      notifications.worker.start()
      await notifications.worker.idle()
      await first.close()
      expect(inbox.messages.filter((m) => JSON.stringify(m.to).includes(pending))).toHaveLength(1)

      const later = address('later')
      const second = await startPodium({ SMTP_URL: inbox.url }, { dataDir, notifications: QUICK })
      await second.podium.services.notifications.worker.stop()
      await second.podium.services.db.kysely
        .transaction()
        .execute((trx) =>
          second.podium.services.notifications.notifier.toAddress(trx, later, invite(later)),
        )
      await second.close()
      const third = await startPodium({ SMTP_URL: inbox.url }, { dataDir, notifications: QUICK })
      await inbox.next(later)
      await third.podium.services.notifications.worker.idle()
      await third.close()
      for (const email of [sentBefore, pending, later])
        expect(
          inbox.messages.filter((m) => JSON.stringify(m.to).includes(email)),
          email,
        ).toHaveLength(1)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
      await inbox.close()
    }
  })
})

describe('two instances on one Postgres', () => {
  let schema: TestSchema
  let inbox: Inbox
  const servers: TestPodium[] = []

  beforeAll(async () => {
    inbox = await startInbox()
    schema = await createTestSchema()
  })
  afterAll(async () => {
    for (const s of servers) await s.close()
    await schema.drop()
    await inbox.close()
  })

  it('[NQ-5] deliver 1,000 queued messages, each exactly once', { timeout: 120_000 }, async () => {
    const env = {
      SMTP_URL: inbox.url,
      DATABASE_URL: schema.url,
      DATABASE_SCHEMA: schema.schema,
    }
    // The first instance stores them before any worker runs anywhere.
    const first = await startPodium(env, { notifications: { pollMs: 100 } })
    servers.push(first)
    const { db, notifications } = first.podium.services
    await notifications.worker.stop()
    const total = 1000
    const addresses = Array.from({ length: total }, (_, i) => `bulk-${i}@example.org`)
    await db.kysely.transaction().execute(async (trx) => {
      for (const email of addresses)
        await notifications.notifier.toAddress(trx, email, invite(email))
    })
    const second = await startPodium(env, { notifications: { pollMs: 100 } })
    servers.push(second)
    notifications.worker.start()

    await waitFor(() => inbox.messages.length >= total, 100_000, `${total} mails`)
    await Promise.all(servers.map((s) => s.podium.services.notifications.worker.idle()))
    await new Promise((r) => setTimeout(r, 300))
    const received = inbox.messages.map((m) => (Array.isArray(m.to) ? '' : (m.to?.text ?? '')))
    expect(received).toHaveLength(total)
    expect(new Set(received).size).toBe(total)
    expect([...received].sort()).toEqual([...addresses].sort())
    const statuses = await db.kysely
      .selectFrom('notifications')
      .select(['status', 'attempts', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['status', 'attempts'])
      .execute()
    expect(statuses.map((s) => ({ ...s, n: Number(s.n) }))).toEqual([
      { status: 'sent', attempts: 1, n: total },
    ])
    // Both instances did part of the work.
    const sentBy = await Promise.all(
      servers.map(async (s) => {
        const text = (await request<string>(`${s.url}/metrics`)).body
        return Number(
          /podium_notifications_sent_total\{channel="email",kind="invite"\} (\d+)/.exec(
            text,
          )?.[1] ?? 0,
        )
      }),
    )
    expect(sentBy[0]! + sentBy[1]!).toBe(total)
    expect(Math.min(...sentBy)).toBeGreaterThan(0)
  })
})

/**
 * An SMTP server that takes the message's recipient, then drops the connection in the
 * middle of its data: what a relay that crashes or a network that fails looks like.
 */
async function startVanishingServer() {
  let dataStarted = 0
  const server = createNetServer((socket) => {
    socket.write('220 vanishing.example ESMTP\r\n')
    let buffered = ''
    let inData = false
    socket.on('data', (chunk: Buffer) => {
      if (inData) {
        socket.destroy()
        return
      }
      buffered += chunk.toString('utf8')
      let end = buffered.indexOf('\r\n')
      while (end >= 0) {
        const line = buffered.slice(0, end)
        buffered = buffered.slice(end + 2)
        const verb = line.slice(0, 4).toUpperCase()
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 vanishing.example\r\n')
        else if (verb === 'MAIL' || verb === 'RCPT') socket.write('250 OK\r\n')
        else if (verb === 'DATA') {
          dataStarted++
          inData = true
          socket.write('354 Go ahead\r\n')
        } else if (verb === 'QUIT') socket.end('221 Bye\r\n')
        else socket.write('250 OK\r\n')
        end = buffered.indexOf('\r\n')
      }
    })
    socket.on('error', () => {})
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    attempts: () => dataStarted,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

describe('a mail server that disappears mid-message', () => {
  it('[NQ-7] is tried again, then the message is dead; the request that queued it succeeded', async () => {
    const vanishing = await startVanishingServer()
    const server = await startPodium({ SMTP_URL: vanishing.url }, { notifications: QUICK })
    try {
      const email = address('vanished')
      const asked = await request(`${server.url}/api/auth/email`, { body: { email } })
      expect(asked.status).toBe(202)
      let rows = await rowsFor(server, email)
      const until = Date.now() + 15_000
      while (rows[0]?.status !== 'dead' && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50))
        rows = await rowsFor(server, email)
      }
      expect(rows).toMatchObject([{ status: 'dead', attempts: 3 }])
      expect(rows[0]!.last_error).toMatch(/the mail was not sent/)
      expect(vanishing.attempts()).toBeGreaterThanOrEqual(3)
    } finally {
      await server.close()
      await vanishing.close()
    }
  })
})
