import { readFileSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from '../test-support/api.ts'
import { DESKTOP, waitStaffOnline } from '../test-support/host.ts'
import { type Inbox, startInbox } from '../test-support/mail.ts'
import { request, type TestPodium } from '../test-support/podium.ts'
import { joinRoom } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import { newAddress, signInByMail } from './helpers/account.ts'
import { blockingViolations } from './helpers/axe.ts'
import { ask, eventually, newPhone, questionItem, screenshot } from './helpers/room.ts'
import { launchStaffBrowser, questionCard } from './helpers/staff.ts'

// A signed-in host runs a session with two attendees, then reads its analytics in the
// host console and on My sessions: the figures agree with what happened, move live
// while it runs, export, compare with another session, and pass axe in light and dark.

let server: TestPodium
let browser: Browser
let inbox: Inbox
let host: BrowserContext
let me: Page
let sessionId: string
const phones: BrowserContext[] = []

/** The value shown under a figure's label. */
const figure = (page: Page, label: string) =>
  page
    .locator('.an-figure')
    .filter({ has: page.getByText(label, { exact: true }) })
    .locator('dd')
    .textContent()

/** The sum of a column of a chart's data table. */
async function columnSum(page: Page, table: string, column: string): Promise<number> {
  return page.getByRole('table', { name: `${table}: data` }).evaluate((t, name) => {
    const heads = [...t.querySelectorAll('thead th')].map((th) => th.textContent)
    const index = heads.indexOf(name)
    return [...t.querySelectorAll('tbody tr')].reduce(
      (sum, row) => sum + Number(row.children[index]?.textContent ?? 'NaN'),
      0,
    )
  }, column)
}

async function expectAccessible(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    await screenshot(page, `analytics-${name}-${colorScheme}`)
    const found = await blockingViolations(page)
    expect(found, `${name} (${colorScheme}):\n${found.join('\n')}`).toEqual([])
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

beforeAll(async () => {
  inbox = await startInbox()
  ;[server, browser] = await Promise.all([
    startServer({ SMTP_URL: inbox.url }),
    launchStaffBrowser(),
  ])
  host = await browser.newContext({ baseURL: server.url, viewport: DESKTOP, acceptDownloads: true })
  me = await host.newPage()
  await signInByMail(me, inbox, newAddress('host'))
  await me.getByLabel('Session title').fill('Town hall')
  await me.getByRole('button', { name: 'Create session' }).click()
  await me.waitForURL(/\/s\/[A-Za-z0-9_-]+\/host$/)
  sessionId = me.url().split('/').at(-2) ?? ''
  await waitStaffOnline(me)
  await me.getByRole('button', { name: 'Go live' }).click()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await inbox?.close()
})

describe('analytics dashboard', () => {
  it('shows what happened, live, in the host console', async () => {
    const code = (await me.locator('.join-code').textContent())?.trim() ?? ''
    const [ada, bob] = await Promise.all(
      ['Ada', 'Bob'].map(async (name) => {
        const phone = await newPhone(browser, server.url)
        phones.push(phone)
        return joinRoom(phone, code, name)
      }),
    )
    await ask(ada!, 'When does the new office open?')
    await ask(ada!, 'Will there be parking?')
    await ask(bob!, 'Is lunch included?')
    await questionItem(bob!, 'When does the new office open?').waitFor()
    await questionItem(bob!, 'When does the new office open?')
      .getByRole('button', { name: /^Upvote/ })
      .click()
    await questionItem(ada!, 'Is lunch included?').waitFor()
    await questionItem(ada!, 'Is lunch included?')
      .getByRole('button', { name: /^Upvote/ })
      .click()
    const mod = await host.newPage()
    await mod.goto(`/s/${sessionId}/moderate`)
    await waitStaffOnline(mod)
    await questionCard(mod, 'When does the new office open?')
      .getByRole('button', { name: 'Answered' })
      .click()

    // Two viewers' browsers report their minute of video: one poor (12 % loss), one good.
    for (const lossPct of [12, 0.5]) {
      const viewer = await join(server.url, code)
      const sent = await request(`${server.url}/api/sessions/${sessionId}/video-quality`, {
        token: viewer.token,
        body: {
          reports: [
            { feed: 'camera', rttMs: 120, lossPct, jitterMs: 8, bitrateKbps: 900, fps: 25 },
          ],
        },
      })
      expect(sent.status).toBe(204)
    }

    const dash = await host.newPage()
    await dash.goto(`/s/${sessionId}/host`)
    await waitStaffOnline(dash)
    await dash.getByRole('link', { name: 'Analytics' }).click()
    await dash.waitForURL(/\/analytics$/)
    await dash.locator('.an-live-live').waitFor()
    // The host (one person, however many tabs), Ada and Bob.
    await eventually(() => figure(dash, 'Present now'), '3')
    await eventually(() => figure(dash, 'People so far'), '3')
    await eventually(() => figure(dash, 'Questions asked'), '3')
    await eventually(() => figure(dash, 'Published'), '3')
    await eventually(() => figure(dash, 'Answered'), '1')
    await eventually(() => figure(dash, 'Votes'), '2')
    await eventually(() => columnSum(dash, 'Activity per minute', 'Asked'), 3)
    expect(await columnSum(dash, 'Activity per minute', 'Votes')).toBe(2)
    expect(await columnSum(dash, 'Activity per minute', 'Answered')).toBe(1)
    // Staff are left out of the funnel: Ada and Bob came, took part, Ada got an answer.
    const funnel = dash.locator('.an-funnel')
    await expect.poll(() => funnel.innerText()).toMatch(/Joined\s*2 \(100 %\)/)
    expect(await funnel.innerText()).toMatch(/Took part.*\s*2 \(100 %\)/)
    expect(await funnel.innerText()).toMatch(/Got an answer\s*1 \(50 %\)/)
    // The top question's text comes from the public document.
    await dash.getByRole('rowheader', { name: 'When does the new office open?' }).waitFor()
    // The viewers' video reports: one of two poor, drawn and tabled.
    await eventually(() => figure(dash, 'Poor video reports'), '1 of 2 (50 %)')
    expect(await figure(dash, 'Video round trip (mean)')).toBe('120 ms')
    await dash
      .getByRole('table', { name: 'Video quality: data' })
      .getByRole('cell', { name: '6.3 %', exact: true })
      .waitFor()
    // uPlot drew the charts.
    await expect.poll(() => dash.locator('.an-chart canvas').count()).toBeGreaterThanOrEqual(4)

    // Live: a new question moves the figure without a reload, then the report follows.
    await ask(bob!, 'Can we bring guests?')
    await eventually(() => figure(dash, 'Questions asked'), '4')
    await eventually(() => columnSum(dash, 'Activity per minute', 'Asked'), 4, 20_000)

    // The per-minute export holds the same figures.
    const [download] = await Promise.all([
      dash.waitForEvent('download'),
      dash.getByRole('button', { name: 'Per minute, CSV' }).click(),
    ])
    const csv = readFileSync((await download.path()) ?? '', 'utf8')
      .trim()
      .split('\n')
    const head = csv[0]!.split(',')
    const sum = (name: string) =>
      csv.slice(1).reduce((s, line) => s + Number(line.split(',')[head.indexOf(name)]), 0)
    expect([sum('asked'), sum('votes'), sum('answered')]).toEqual([4, 2, 1])

    await expectAccessible(dash, 'host-console')
    await dash.close()
    await mod.close()
  })

  it('opens on My sessions and compares sessions the account owns', async () => {
    await me.goto('/me')
    await me.getByLabel('Session title').fill('Retro')
    await me.getByRole('button', { name: 'Create session' }).click()
    await me.waitForURL(/\/host$/)
    // The host counts once the ingest has announced them in the room, which it does in the
    // tick that publishes the count or before: leaving sooner, Retro would have nobody.
    await me
      .locator('.staff-header .participants')
      .filter({ hasText: /^1 participant$/ })
      .waitFor()
    await me.goto('/me')
    await me.getByRole('button', { name: 'Analytics Town hall' }).click()
    await me.getByRole('heading', { name: 'Analytics of “Town hall”' }).waitFor()
    await eventually(() => figure(me, 'Questions asked'), '4')
    await eventually(() => columnSum(me, 'Activity per minute', 'Asked'), 4)

    await me.getByRole('checkbox', { name: 'Town hall' }).check()
    await me.getByRole('checkbox', { name: 'Retro' }).check()
    const table = me.getByRole('table', { name: 'Sessions compared' })
    // People, most at once, asked, answered, votes, replies. Retro's host is recorded a
    // moment after the room announced them: the comparison is asked for again until then.
    const compared = async () => {
      await me.getByRole('button', { name: 'Compare', exact: true }).click()
      await table.waitFor()
      const rows = await table
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)))
      return Object.fromEntries(rows.map((r) => [r[0], r.slice(2, 8)]))
    }
    await expect.poll(compared, { timeout: 15_000, interval: 500 }).toEqual({
      'Town hall': ['3', '3', '4', '1', '2', '0'],
      Retro: ['1', '1', '0', '0', '0', '0'],
    })
    await expectAccessible(me, 'my-sessions')
  })
})
