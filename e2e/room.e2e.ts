import { documentName, PublicDoc } from '@podium/shared'
import type { Browser, WebSocketRoute } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../test-support/browser.ts'
import { createFromLanding } from '../test-support/host.ts'
import { request, type TestPodium } from '../test-support/podium.ts'
import { joinRoom, waitOnline } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import { axeViolations } from './helpers/axe.ts'
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

describe('the session room in the browser', () => {
  it('a host creates a session; two attendees ask, vote and reply, and every page agrees', async () => {
    // The host starts a session from the landing page.
    const hostContext = await browser.newContext({ baseURL: server.url })
    const host = await hostContext.newPage()
    await host.goto('/')
    await expect(axeViolations(host)).resolves.toEqual([])
    await host.getByLabel('Session title').fill('All-hands, June')
    await createFromLanding(host)
    const sessionId = host.url().split('/').at(-2)!
    const hostToken = await host.evaluate(
      (id) => JSON.parse(localStorage.getItem(`podium:identity:${id}`) ?? '{}').token as string,
      sessionId,
    )
    const info = await fetch(`${server.url}/api/sessions/${sessionId}`, {
      headers: { authorization: `Bearer ${hostToken}` },
    })
    const { code, title } = (await info.json()) as { code: string; title: string }
    expect(title).toBe('All-hands, June')

    // Two attendees join on their phones, each in their own browser context.
    const [ada, bob] = await Promise.all([
      newPhone(browser, server.url).then((c) => joinRoom(c, code, 'Ada')),
      newPhone(browser, server.url).then((c) => joinRoom(c, code, 'Bob')),
    ])
    for (const page of [ada, bob]) {
      // "Online" can show before the session document's first sync paints the title.
      await page.getByRole('heading', { level: 1, name: 'All-hands, June' }).waitFor()
      await page.getByText('No questions yet. Be the first to ask.').waitFor()
    }

    await ask(ada, 'What is on the roadmap for next quarter?')
    // Bob's screen reader hears about the new question.
    await eventually(
      () => bob.locator('[aria-live="polite"][aria-atomic="true"]').textContent(),
      'New question: What is on the roadmap for next quarter?',
    )
    await ask(bob, 'Will the talks be recorded?')
    await ask(bob, 'Is there coffee?')
    for (const page of [ada, bob]) {
      await eventually(async () => (await shownQuestions(page)).length, 3)
    }

    // Votes: Ada's question gets two, "Is there coffee?" one.
    await questionItem(bob, 'What is on the roadmap for next quarter?')
      .getByRole('button', { name: /^Upvote/ })
      .click()
    await questionItem(ada, 'What is on the roadmap for next quarter?')
      .getByRole('button', { name: /^Upvote/ })
      .click()
    await questionItem(ada, 'Is there coffee?')
      .getByRole('button', { name: /^Upvote/ })
      .click()
    // My vote shows at once, before the server has it.
    await expect(
      questionItem(ada, 'Is there coffee?')
        .getByRole('button', { name: /^Upvote/ })
        .getAttribute('aria-pressed'),
    ).resolves.toBe('true')

    const expected: Array<[string, number]> = [
      ['What is on the roadmap for next quarter?', 2],
      ['Is there coffee?', 1],
      ['Will the talks be recorded?', 0],
    ]
    for (const page of [ada, bob]) await eventually(() => shownQuestions(page), expected)

    // Ada replies to Bob's question; Bob sees it.
    const adaItem = questionItem(ada, 'Will the talks be recorded?')
    await adaItem.getByRole('button', { name: '0 replies' }).click()
    await adaItem.getByLabel('Your reply').fill('I hope so, I missed the first one.')
    await adaItem.getByRole('button', { name: 'Send reply' }).click()
    const bobItem = questionItem(bob, 'Will the talks be recorded?')
    await bobItem.getByRole('button', { name: '1 reply' }).click()
    await bobItem.getByText('I hope so, I missed the first one.').waitFor()
    await expect(bobItem.locator('.reply-meta').first().textContent()).resolves.toContain('Ada')

    // Recent order agrees too, and nothing is left waiting to sync.
    for (const page of [ada, bob]) {
      await page.getByRole('button', { name: 'Recent' }).click()
      await eventually(
        async () => (await shownQuestions(page)).map(([text]) => text),
        [
          'Is there coffee?',
          'Will the talks be recorded?',
          'What is on the roadmap for next quarter?',
        ],
      )
      await eventually(() => page.getByText(/waiting to sync/).count(), 0)
      await waitOnline(page)
    }
    await ada.getByRole('button', { name: 'Popular' }).click()
    await screenshot(ada, 'attendee-phone')
    await expect(axeViolations(ada)).resolves.toEqual([])

    // Staff put an agenda item, a running timer and a question on stage.
    const roadmap = (await shownQuestions(ada))[0]![0]
    await server.podium.services.docs.change(documentName.public(sessionId), (doc) => {
      const pub = new PublicDoc(doc)
      const spotlight = pub.questions().find((q) => q.text === roadmap)!.id
      pub.setAgenda([{ id: 'opening', title: 'Opening remarks', durationSec: 300 }])
      pub.setStage({
        currentItemId: 'opening',
        spotlightQuestionId: spotlight,
        timer: { durationMs: 300_000, state: 'running', startedAt: Date.now(), elapsedMs: 0 },
      })
    })
    for (const page of [ada, bob]) {
      await page.getByText('Now: Opening remarks').waitFor()
      await page.getByText('In the spotlight', { exact: true }).first().waitFor()
      await expect(page.locator('.timer time').textContent()).resolves.toMatch(/^[45]:\d\d$/)
    }
    await screenshot(ada, 'attendee-phone-stage')
    await ada.emulateMedia({ colorScheme: 'dark' })
    await screenshot(ada, 'attendee-phone-dark')
    await expect(axeViolations(ada)).resolves.toEqual([])

    await Promise.all([hostContext.close(), ada.context().close(), bob.context().close()])
  })

  it('shows the top of the list from the server before the session document has come', async () => {
    const created = await request<{ id: string; code: string }>(`${server.url}/api/sessions`, {
      body: { title: 'Big room' },
    })
    expect(created.status).toBe(201)
    const session = created.body
    await server.podium.services.docs.change(documentName.public(session.id), (doc) => {
      const pub = new PublicDoc(doc)
      // Asked in this order; the host pinned 'Most wanted'. Votes come from the votes
      // table (the server writes its counts), so the order here is pinned, then newest.
      for (const [i, text] of ['Quiet one', 'Most wanted', 'Runner-up'].entries()) {
        const pinned = text === 'Most wanted'
        pub.putQuestion({
          id: `question-${i}`,
          text,
          authorId: 'someone',
          authorName: 'Someone',
          createdAt: 1_000 + i,
          editedAt: null,
          status: 'published',
          pinned,
          pinnedAt: pinned ? 2_000 : null,
          answered: false,
          answeredAt: null,
          votes: 0,
          labels: [],
        })
      }
    })
    // The sync socket is held (open, but nothing reaches the server) until released.
    let hold = true
    const held: WebSocketRoute[] = []
    const context = await newPhone(browser, server.url)
    await context.routeWebSocket(/\/sync/, (ws) => {
      if (hold) held.push(ws)
      else ws.connectToServer()
    })
    const page = await joinRoom(context, session.code, 'Cy')
    const preview = page.locator('li[data-preview]')
    await preview.first().waitFor()
    await expect(preview.locator('.question-text').allTextContents()).resolves.toEqual([
      'Most wanted',
      'Runner-up',
      'Quiet one',
    ])
    await page.getByRole('heading', { level: 1, name: 'Big room' }).waitFor()
    await expect(
      preview
        .getByRole('button', { name: /^Upvote/ })
        .first()
        .isDisabled(),
    ).resolves.toBe(true)
    await screenshot(page, 'attendee-phone-preview')

    // Released: the live list takes the preview's place, and votes work.
    hold = false
    for (const ws of held) await ws.close()
    await eventually(() => preview.count(), 0)
    await eventually(
      () => shownQuestions(page),
      [
        ['Most wanted', 0],
        ['Runner-up', 0],
        ['Quiet one', 0],
      ],
    )
    await questionItem(page, 'Quiet one')
      .getByRole('button', { name: /^Upvote/ })
      .click()
    await eventually(
      () =>
        server.podium.services.docs.read(documentName.public(session.id), (doc) =>
          new PublicDoc(doc).voteCount('question-0'),
        ),
      1,
    )
    await context.close()
  })

  it('says clearly when no session has the code', async () => {
    const context = await newPhone(browser, server.url)
    const page = await context.newPage()
    await page.goto('/')
    await screenshot(page, 'landing')
    await page.goto('/j/ZZZZ99')
    await page.getByRole('button', { name: 'Join' }).click()
    await page.getByRole('heading', { name: 'No session has the code ZZZZ99' }).waitFor()
    await screenshot(page, 'unknown-code')
    await context.close()
  })
})
