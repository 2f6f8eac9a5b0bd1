// Failover with real parts: Debian's caddy running the repository's Caddyfile in front of
// two sync-server processes and signal-server, on a Postgres and a Redis of the test's own
// (so it may restart them), with attendees in a vote storm (some asking offline) and
// Chromium attendees and a moderator on it. An instance is killed, both are restarted one
// at a time, Redis and Postgres restart; each time everyone is back, nothing receipted is
// lost and every pending entry is decided once.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../test-support/browser.ts'
import {
  type Audience,
  gatherAudience,
  receipted,
  settledAudit,
  summary,
  timeBack,
  timeBackPages,
  voteStorm,
} from '../test-support/failover.ts'
import { DESKTOP, waitStaffOnline } from '../test-support/host.ts'
import { request } from '../test-support/podium.ts'
import { answersOk, until } from '../test-support/processes.ts'
import { joinRoom } from '../test-support/room.ts'
import { ensureClientBuilt } from '../test-support/served.ts'
import { Stack } from '../test-support/stack.ts'

let stack: Stack
let browser: Browser
let audience: Audience
const contexts: BrowserContext[] = []
let moderator: Page
let attendeePages: Page[] = []

beforeAll(async () => {
  await ensureClientBuilt()
  ;[stack, browser] = await Promise.all([Stack.start({ privateServices: true }), launchBrowser()])
  audience = await gatherAudience(stack, 12)
  const invite = await request<{ invite: string }>(
    `${stack.url}/api/sessions/${audience.sessionId}/invites`,
    { token: audience.hostToken, body: { role: 'moderator' } },
  )
  const modContext = await browser.newContext({ baseURL: stack.url, viewport: DESKTOP })
  contexts.push(modContext)
  moderator = await modContext.newPage()
  await moderator.goto(`/i/${invite.body.invite}`)
  await moderator.getByLabel('Your name').fill('Mo')
  await moderator.getByRole('button', { name: 'Accept invitation' }).click()
  await moderator.waitForURL(/\/moderate$/)
  await waitStaffOnline(moderator)
  attendeePages = []
  for (const name of ['Pia', 'Tess']) {
    const context = await browser.newContext({ baseURL: stack.url })
    contexts.push(context)
    const page = await joinRoom(context, audience.code, name)
    // Online is the socket; the room (and the box to ask in) shows once the session is synced.
    await page.getByRole('textbox', { name: 'Your question' }).waitFor()
    attendeePages.push(page)
  }
}, 300_000)

afterAll(async () => {
  audience?.close()
  for (const c of contexts) await c.close().catch(() => {})
  await browser?.close()
  await stack?.close()
})

/** Everything that watches: the moderator's console and the attendees' rooms. */
const pages = () => [moderator, ...attendeePages]

/** A question asked in the room (from the page's own outbox). */
async function askInRoom(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Your question' }).fill(text)
  await page.getByRole('button', { name: 'Send question' }).click()
}

/** Starts an instance an earlier test left stopped, and lets Caddy take it back (fail_duration 3 s). */
async function bothUp(): Promise<void> {
  let started = false
  for (const instance of stack.sync)
    if (!instance.child.running) {
      await instance.start()
      started = true
    }
  if (started) await new Promise((r) => setTimeout(r, 3500))
}

/** Each instance's /readyz status, straight (not through Caddy). */
const readiness = () =>
  Promise.all(
    stack.sync.map((s) =>
      fetch(`${s.url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.status,
        () => 0,
      ),
    ),
  )

describe('an instance killed during a vote storm', () => {
  it('has every client back on the other instance within 5 s, with nothing lost', async () => {
    await bothUp()
    const storm = voteStorm(audience)
    // Three attendees and one browser go offline and ask; their questions wait in outboxes.
    const offline = audience.attendees.slice(0, 3)
    for (const a of offline) a.client.socket.disconnect()
    const offlineAsks = offline.flatMap((a) => [
      a.outbox.ask(`Asked offline by ${a.userId} (1)`).entryId,
      a.outbox.ask(`Asked offline by ${a.userId} (2)`).entryId,
    ])
    const tess = attendeePages[1]!
    const online = audience.attendees.filter((a) => !offline.includes(a))
    try {
      await tess.context().setOffline(true)
      await askInRoom(tess, 'Asked offline in the browser')
      await new Promise((r) => setTimeout(r, 1500))
      const before = receipted(audience)

      const killedAt = Date.now()
      await stack.sync[0].stop('SIGKILL')
      const [back, pagesBack] = await Promise.all([
        timeBack(online, killedAt),
        timeBackPages([moderator, attendeePages[0]!], killedAt),
      ])
      const times = summary([...back, ...pagesBack.filter((ms) => ms > 0)])
      console.log(`failover: ${JSON.stringify(times)}`)
      expect(times.worst).toBeLessThan(5000)

      for (const a of offline) void a.client.socket.connect()
      await tess.context().setOffline(false)
      await new Promise((r) => setTimeout(r, 2000))
      storm.stop()
      await settledAudit(stack, audience, before)
      for (const a of offline)
        for (const id of offlineAsks.filter((e) => a.outbox.entry(e)))
          expect(a.outbox.receipt(id)?.status).toBe('accepted')
      for (const [i, page] of pages().entries())
        await page
          .getByText('Asked offline in the browser')
          .first()
          .waitFor({ timeout: 60_000 })
          .catch((error: Error) => {
            throw new Error(`page ${i} (0 is the moderator's) never showed it: ${error.message}`)
          })
    } finally {
      // Whatever failed above, the next test starts from a whole stack and a quiet audience.
      storm.stop()
      for (const a of offline) if (!a.client.socket.shouldConnect) void a.client.socket.connect()
      await tess.context().setOffline(false)
      if (!stack.sync[0].child.running) await stack.sync[0].start()
    }
  }, 240_000)
})

describe('a rolling restart', () => {
  it('drains each instance in under 10 s and loses nothing', async () => {
    await bothUp()
    const storm = voteStorm(audience)
    const before = receipted(audience)
    try {
      for (const instance of stack.sync) {
        const since = Date.now()
        const stopping = instance.stop('SIGTERM')
        // Not ready while it drains (or already gone); the other one is.
        const drained = await stopping
        expect(drained.code).toBe(0)
        expect(drained.ms).toBeLessThan(10_000)
        console.log(`drain: ${drained.ms} ms`)
        const back = summary(await timeBack(audience.attendees, since))
        expect(back.worst).toBeLessThan(10_000)
        await instance.start()
        // Caddy leaves a refusing upstream out for fail_duration (3 s) before it tries again.
        await new Promise((r) => setTimeout(r, 3500))
      }
    } finally {
      storm.stop()
    }
    await settledAudit(stack, audience, before)
    for (const page of pages())
      await until(
        () =>
          page.evaluate(
            () => document.querySelector('.conn')?.getAttribute('data-status') === 'online',
          ),
        'page online after the restarts',
        30_000,
      )
  }, 180_000)
})

describe('Redis and Postgres restarting under load', () => {
  for (const part of ['redis', 'postgres'] as const) {
    it(`${part}: /readyz turns false, recovers by itself, nothing receipted lost`, async () => {
      await bothUp()
      const service = part === 'redis' ? stack.redis! : stack.postgres!
      const storm = voteStorm(audience)
      try {
        await new Promise((r) => setTimeout(r, 1000))
        const before = receipted(audience)
        await service.stop()
        await until(
          async () => (await readiness()).every((s) => s === 503),
          `/readyz false on both instances without ${part}`,
          30_000,
          100,
        )
        await new Promise((r) => setTimeout(r, 1000))
        const restartedAt = Date.now()
        await service.start()
        await until(
          async () => (await readiness()).every((s) => s === 200),
          `/readyz true again after ${part} returned`,
          60_000,
          50,
        )
        console.log(`${part} recovery: ${Date.now() - restartedAt} ms`)
        expect(await answersOk(`${stack.url}/readyz`)).toBe(true)
        await new Promise((r) => setTimeout(r, 1500))
        storm.stop()
        await settledAudit(stack, audience, before)
      } finally {
        storm.stop()
        if (!service.running) await service.start()
      }
    }, 180_000)
  }
})
