import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { documentName, PublicDoc } from '@podium/shared'
import {
  createSignalServer,
  loadSignalConfig,
  type SignalServer,
} from '@podium/signal-server/standalone'
import pino from 'pino'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFromLanding, DESKTOP, waitStaffOnline } from '../test-support/host.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { createTestSchema, type TestSchema } from '../test-support/postgres.ts'
import { joinRoom } from '../test-support/room.ts'
import { ensureClientBuilt, startServer } from '../test-support/served.ts'
import { ask, newPhone } from './helpers/room.ts'
import {
  blockSockets,
  consoleState,
  cuttableSockets,
  inviteModerator,
  launchStaffBrowser,
  pendingCard,
  questionCard,
} from './helpers/staff.ts'

// As docker-compose runs it: signal-server is its own service over the sync server's
// Postgres, so stopping the sync server leaves signaling up and moderators' consoles
// keep a peer-to-peer link.
const SECRET = 'p2p-test-secret-p2p-test-secret-p2p-0000'

const BUDGET = 'What is the budget for next year?'
const OFFICE = 'When do we move to the new office?'
const PARTY = 'Is the party on friday'
const PARTY_EDITED = 'Is the summer party on Friday?'
/** How long a change may take to reach the other console over WebRTC. */
const PEER_DELIVERY_MS = 5_000

let signal: SignalServer
let signalUrl: string
let server: TestPodium | undefined
let browser: Browser
let schema: TestSchema
const dataDir = mkdtempSync(join(tmpdir(), 'podium-p2p-'))
const contexts: BrowserContext[] = []

const databaseEnv = () => ({ DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema })

/** The sync server on the test's database (and, for a restart, the port it had). */
function startSyncServer(port = 0): Promise<TestPodium> {
  return startServer(
    { ...databaseEnv(), TOKEN_SECRET: SECRET, SIGNALING_URL: signalUrl, PORT: String(port) },
    { signaling: true, dataDir },
  )
}

beforeAll(async () => {
  schema = await createTestSchema()
  signal = await createSignalServer(
    loadSignalConfig({
      SIGNAL_PORT: '0',
      HOST: '127.0.0.1',
      TOKEN_SECRET: SECRET,
      LOG_LEVEL: 'silent',
      ...databaseEnv(),
    }),
    pino({ level: 'silent' }),
  )
  ;[signalUrl, browser] = await Promise.all([
    signal.listen(),
    launchStaffBrowser(),
    ensureClientBuilt(),
  ])
  server = await startSyncServer()
})

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => undefined)))
  await browser?.close()
  await server?.close()
  await signal?.close()
  await schema?.drop()
  rmSync(dataDir, { recursive: true, force: true })
})

function syncServer(): TestPodium {
  if (!server) throw new Error('the sync server is not running')
  return server
}

async function newStaffContext(baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: DESKTOP })
  contexts.push(context)
  return context
}

/** Waits until a change made on one console shows on another; returns how long it took. */
async function arrival(show: () => Promise<void>, since: number): Promise<number> {
  await show()
  return Date.now() - since
}

/** The host console's agenda: each item's title, the current one marked. */
function agendaShown(page: Page): Promise<string[]> {
  return page.locator('.agenda-list > li').evaluateAll((items) =>
    items.map((li) => {
      const title = li.querySelector<HTMLInputElement>('.agenda-title input')?.value ?? ''
      return li.classList.contains('current') ? `${title} (current)` : title
    }),
  )
}

/** The console's question list shows every question, answered ones too. */
async function showAllQuestions(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^All/ }).click()
}

function peerLinked(page: Page) {
  return page.locator('.conn-peer').getByText(/^\d+ staff peers? linked$/)
}

/** The public document as the sync server holds it. */
function serverAgenda(sessionId: string) {
  return syncServer().podium.services.docs.read(documentName.public(sessionId), (doc) => {
    const pub = new PublicDoc(doc)
    const current = pub.stage().currentItemId
    return {
      agenda: pub.agenda().map((item) => item.title),
      current: pub.agenda().find((item) => item.id === current)?.title ?? null,
    }
  })
}

describe('moderators peer to peer', () => {
  it('two moderators keep editing together while the sync server is stopped; a third console loads the merged state', async () => {
    const baseURL = syncServer().url
    const port = Number(new URL(baseURL).port)

    // The host's device: its sync socket goes through the test, so it can be held back later.
    const hostContext = await newStaffContext(baseURL)
    const hostSync = await cuttableSockets(hostContext, /\/sync(\?|$)/)
    const host = await hostContext.newPage()
    await host.goto('/')
    await host.getByLabel('Session title').fill('Offsite')
    await createFromLanding(host)
    const sessionId = host.url().split('/').at(-2) as string
    await waitStaffOnline(host)
    const code = (await host.locator('.join-code').textContent())?.trim() ?? ''
    await host.getByLabel('Review questions before they are published').check()
    await host.getByLabel('New item').fill('Welcome')
    await host.getByRole('button', { name: 'Add item' }).click()
    await host.getByRole('button', { name: 'Start with the first item: Welcome' }).click()

    const mo = await inviteModerator(host, browser, baseURL, 'Mo')
    contexts.push(mo.context())
    const hostMod = await hostContext.newPage()
    await hostMod.goto(`/s/${sessionId}/moderate`)
    await waitStaffOnline(hostMod)

    // An attendee asks three questions; two are approved while the server is up.
    const phone = await newPhone(browser, baseURL)
    contexts.push(phone)
    const ada = await joinRoom(phone, code, 'Ada')
    for (const text of [BUDGET, OFFICE, PARTY]) await ask(ada, text)
    for (const text of [BUDGET, OFFICE, PARTY]) await pendingCard(mo, text).waitFor()
    for (const text of [BUDGET, OFFICE]) {
      await pendingCard(mo, text).getByRole('button', { name: 'Approve' }).click()
    }
    for (const page of [mo, hostMod]) {
      await showAllQuestions(page)
      for (const text of [BUDGET, OFFICE]) await questionCard(page, text).waitFor()
    }
    await phone.close()

    // Both consoles got their room from the API: the signal server's own address.
    for (const page of [mo, hostMod]) {
      const cached = await page.evaluate(
        (id) => JSON.parse(localStorage.getItem(`podium:webrtc-room:${id}`) ?? 'null'),
        sessionId,
      )
      expect(cached?.room.signalingUrl).toMatch(
        new RegExp(`^${signalUrl.replace(/^http/, 'ws')}/signal\\?token=`),
      )
      await peerLinked(page).waitFor({ timeout: 20_000 })
    }

    // The sync server stops; signaling stays up.
    await syncServer().close()
    server = undefined
    for (const page of [mo, hostMod, host]) {
      await page.locator('.conn[data-status="offline"]').waitFor({ timeout: 20_000 })
      await peerLinked(page).waitFor()
    }

    // Mo pins one question and edits and approves the waiting one.
    let since = Date.now()
    await questionCard(mo, BUDGET).getByRole('button', { name: 'Pin' }).click()
    const pinArrived = await arrival(
      () =>
        hostMod
          .locator('.item-question.pinned')
          .filter({ hasText: BUDGET })
          .waitFor({ timeout: PEER_DELIVERY_MS }),
      since,
    )
    await pendingCard(mo, PARTY).getByRole('button', { name: 'Edit' }).click()
    await mo.getByLabel('Edit the text before deciding').fill(PARTY_EDITED)
    await mo.getByRole('button', { name: 'Save text' }).click()
    since = Date.now()
    await pendingCard(mo, PARTY_EDITED).getByRole('button', { name: 'Approve' }).click()
    const approvalArrived = await arrival(
      () =>
        pendingCard(hostMod, PARTY_EDITED)
          .getByText('Approved by Mo; waiting for the server.')
          .waitFor({ timeout: PEER_DELIVERY_MS }),
      since,
    )

    // The host marks the other answered and moves the agenda on.
    since = Date.now()
    await questionCard(hostMod, OFFICE).getByRole('button', { name: 'Answered' }).click()
    const answeredArrived = await arrival(
      () =>
        mo
          .locator('.item-question.answered')
          .filter({ hasText: OFFICE })
          .waitFor({ timeout: PEER_DELIVERY_MS }),
      since,
    )
    await host.getByLabel('New item').fill('Open floor')
    await host.getByRole('button', { name: 'Add item' }).click()
    await host.getByRole('button', { name: 'Next item: Open floor' }).click()
    await expect.poll(() => agendaShown(host)).toEqual(['Welcome', 'Open floor (current)'])
    for (const page of [mo, hostMod]) await page.locator('.conn-unsynced').waitFor()
    console.info(
      `peer delivery: pin ${pinArrived} ms, approval ${approvalArrived} ms, answered ${answeredArrived} ms`,
    )

    // The sync server starts again on the same data and port. The host's device is held
    // back at first, so whatever of the host's reaches the server came through Mo's console.
    await hostSync.cut()
    server = await startSyncServer(port)
    await mo.locator('.conn[data-status="online"]').waitFor({ timeout: 30_000 })
    await expect
      .poll(() => serverAgenda(sessionId), { timeout: 15_000 })
      .toEqual({ agenda: ['Welcome', 'Open floor'], current: 'Open floor' })
    hostSync.restore()
    for (const page of [hostMod, host]) {
      await page.locator('.conn[data-status="online"]').waitFor({ timeout: 30_000 })
    }
    for (const page of [mo, hostMod, host]) {
      await page.locator('.conn-unsynced').waitFor({ state: 'detached', timeout: 15_000 })
    }

    // A third console, on a fresh device with the host's sign-in and no peer link, loads
    // everything from the server.
    const identityKey = `podium:identity:${sessionId}`
    const identity = await host.evaluate((key) => localStorage.getItem(key), identityKey)
    if (!identity) throw new Error('the host has no stored identity')
    const third = await browser.newContext({
      baseURL,
      viewport: DESKTOP,
      storageState: {
        cookies: [],
        origins: [{ origin: baseURL, localStorage: [{ name: identityKey, value: identity }] }],
      },
    })
    contexts.push(third)
    await blockSockets(third, /\/signal(\?|$)/)
    const thirdMod = await third.newPage()
    await thirdMod.goto(`/s/${sessionId}/moderate`)
    await waitStaffOnline(thirdMod)
    await showAllQuestions(thirdMod)
    const expected = {
      questions: [
        { text: OFFICE, state: ['answered'], labels: [], replies: [] },
        { text: PARTY_EDITED, state: [], labels: [], replies: [] },
        { text: BUDGET, state: ['pinned'], labels: [], replies: [] },
      ].sort((a, b) => a.text.localeCompare(b.text)),
      queue: [],
      spotlight: null,
    }
    for (const page of [thirdMod, mo, hostMod]) {
      await expect.poll(() => consoleState(page), { timeout: 15_000 }).toEqual(expected)
    }
    const thirdHost = await third.newPage()
    await thirdHost.goto(`/s/${sessionId}/host`)
    await waitStaffOnline(thirdHost)
    await expect.poll(() => agendaShown(thirdHost)).toEqual(['Welcome', 'Open floor (current)'])
  })
})
