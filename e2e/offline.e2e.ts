import { documentName, PublicDoc } from '@podium/shared'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../test-support/browser.ts'
import { request, type TestPodium } from '../test-support/podium.ts'
import { StallingRelay } from '../test-support/relay.ts'
import { joinRoom, waitOnline } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import {
  ask,
  eventually,
  newPhone,
  questionItem,
  screenshot,
  shownQuestions,
} from './helpers/room.ts'

let server: TestPodium
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const SLIDES = 'Can we see the slides afterwards?'
const OFFLINE_QUESTIONS = [
  'Asked on the train, number one',
  'Asked on the train, number two',
  'Asked on the train, number three',
]

const voteButton = (page: Page, text: string) =>
  questionItem(page, text).getByRole('button', { name: /^Upvote/ })

/** What the traveler's page shows while offline: three queued questions and a queued vote. */
async function expectQueued(page: Page): Promise<void> {
  await page.getByText('4 changes waiting to sync').waitFor()
  for (const text of OFFLINE_QUESTIONS) await page.getByText(text, { exact: true }).waitFor()
  await expect(page.getByText('Waiting to send', { exact: true }).count()).resolves.toBe(3)
  await expect(voteButton(page, SLIDES).getAttribute('aria-pressed')).resolves.toBe('true')
  await expect(voteButton(page, SLIDES).getAttribute('aria-label')).resolves.toBe('Upvote (1 vote)')
}

/** The list once synced: the voted question first, then the three offline ones (any order). */
async function settled(page: Page) {
  const shown = await shownQuestions(page)
  return {
    first: shown[0],
    rest: shown
      .slice(1)
      .map(([text, votes]) => `${text}:${votes}`)
      .sort(),
  }
}

describe('offline attendee', () => {
  it('asks and votes offline, survives a reload offline, and syncs everything once when back', async () => {
    const created = await request<{ code: string; id: string }>(`${server.url}/api/sessions`, {
      body: { title: 'Offline drill' },
    })
    expect(created.status).toBe(201)
    const { code, id } = created.body

    const travelerContext = await newPhone(browser, server.url)
    const [traveler, observer] = await Promise.all([
      joinRoom(travelerContext, code, 'Tess'),
      newPhone(browser, server.url).then((c) => joinRoom(c, code, 'Omar')),
    ])
    await ask(observer, SLIDES)
    await eventually(async () => (await shownQuestions(traveler)).length, 1)

    // The service worker must control the page before the network goes, or a reload can't open.
    await expect
      .poll(() => traveler.evaluate(() => navigator.serviceWorker.controller !== null), {
        timeout: 15_000,
      })
      .toBe(true)

    await travelerContext.setOffline(true)
    await traveler.getByRole('status').getByText('Offline', { exact: true }).waitFor()
    for (const text of OFFLINE_QUESTIONS) await ask(traveler, text)
    await voteButton(traveler, SLIDES).click()
    await expectQueued(traveler)

    // Reload with no network: the shell comes from the service worker, the state from IndexedDB.
    await traveler.reload()
    await traveler.getByRole('heading', { level: 1, name: 'Offline drill' }).waitFor()
    await traveler.getByRole('status').getByText('Offline', { exact: true }).waitFor()
    await expectQueued(traveler)
    await screenshot(traveler, 'attendee-offline')

    // Back online: everything syncs, once, and shows up on the other phone.
    await travelerContext.setOffline(false)
    await waitOnline(traveler)
    await traveler.getByText(/waiting to sync/).waitFor({ state: 'detached', timeout: 20_000 })
    const expected = {
      first: [SLIDES, 1],
      rest: OFFLINE_QUESTIONS.map((text) => `${text}:0`).sort(),
    }
    for (const page of [traveler, observer]) await eventually(() => settled(page), expected)
    expect(await shownQuestions(traveler)).toEqual(await shownQuestions(observer))
    await expect(traveler.getByText('Waiting to send', { exact: true }).count()).resolves.toBe(0)

    const texts = await server.podium.services.docs.read(documentName.public(id), (doc) =>
      new PublicDoc(doc).questions().map((q) => q.text),
    )
    expect(texts.sort()).toEqual([...OFFLINE_QUESTIONS, SLIDES].sort())

    await Promise.all([travelerContext.close(), observer.context().close()])
  })
})

describe('a network that drops without a word', () => {
  it('reconnects when it returns, though the old socket had not finished closing', async () => {
    // The page reaches the server through a relay; when the network goes, what was open
    // through it stalls, the socket's closing handshake included, as on a phone that lost
    // its signal. It finishes only after the page is online again.
    const relay = await StallingRelay.start(Number(new URL(server.url).port))
    try {
      const created = await request<{ code: string; id: string }>(`${server.url}/api/sessions`, {
        body: { title: 'Signal lost' },
      })
      const context = await newPhone(browser, relay.url)
      const page = await joinRoom(context, created.body.code, 'Tess')
      await page.getByRole('textbox', { name: 'Your question' }).waitFor()

      relay.stall()
      await context.setOffline(true)
      await page.getByRole('status').getByText('Offline', { exact: true }).waitFor()
      const text = 'Asked while the signal was gone'
      await ask(page, text)
      await page.getByText('1 change waiting to sync').waitFor()
      await context.setOffline(false)
      // The page has taken the network back before the old socket's close completes.
      await new Promise((r) => setTimeout(r, 1000))
      relay.release()

      await waitOnline(page)
      await page.getByText(/waiting to sync/).waitFor({ state: 'detached', timeout: 20_000 })
      await expect
        .poll(
          () =>
            server.podium.services.docs.read(documentName.public(created.body.id), (doc) =>
              new PublicDoc(doc).questions().map((q) => q.text),
            ),
          { timeout: 15_000 },
        )
        .toEqual([text])
      await context.close()
    } finally {
      await relay.close()
    }
  })
})
