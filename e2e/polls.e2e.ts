import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../test-support/browser.ts'
import { createHostSession, type HostSession, WIDE, waitStaffOnline } from '../test-support/host.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { joinRoom, waitOnline } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import { blockingViolations } from './helpers/axe.ts'
import { eventually, newPhone, screenshot } from './helpers/room.ts'
import { pendingCard } from './helpers/staff.ts'

// Polls, a quiz and a word cloud from the host console to the rooms and the projector.

let server: TestPodium
let browser: Browser
let session: HostSession
let projector: Page
const people: Record<string, { context: BrowserContext; page: Page }> = {}

async function expectAccessible(page: Page, name: string): Promise<void> {
  await screenshot(page, `polls-${name}`)
  const found = await blockingViolations(page)
  expect(found, `${name}:\n${found.join('\n')}`).toEqual([])
}

/** The bars a page shows for the poll in view: label and count, top to bottom. */
function bars(page: Page, scope = 'body') {
  return page
    .locator(`${scope} .poll-bar`)
    .evaluateAll((items) =>
      items.map(
        (li) =>
          `${li.querySelector('.poll-bar-label')?.firstChild?.textContent?.trim()}:${Number.parseInt(li.querySelector('.poll-bar-count')?.textContent ?? 'NaN', 10)}`,
      ),
    )
}

async function createPoll(
  host: Page,
  fields: { kind: string; question: string; options?: string[]; limit?: number; right?: number },
) {
  const form = host.getByRole('form', { name: 'New poll' })
  await form.getByLabel('Kind').selectOption(fields.kind)
  await form.getByLabel('Question', { exact: true }).fill(fields.question)
  if (fields.options) await form.getByLabel('Options, one a line').fill(fields.options.join('\n'))
  if (fields.limit) await form.getByLabel('Time limit (seconds)').fill(String(fields.limit))
  if (fields.right) await form.getByLabel('Right option (its number)').fill(String(fields.right))
  await form.getByRole('button', { name: 'Add as draft' }).click()
  await host.locator('.poll-console-item', { hasText: fields.question }).waitFor()
}

/** The console's Open button of a poll (its name ends with the poll's question). */
const openButton = (host: Page, question: string) =>
  host.locator('.poll-console-item', { hasText: question }).getByRole('button', { name: /^Open/ })

async function answer(page: Page, option: string) {
  await page.locator('.polls').getByLabel(option, { exact: true }).check()
  await page
    .locator('.polls')
    .getByRole('button', { name: /^(Answer|Change answer)$/ })
    .click()
}

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
  session = await createHostSession(browser, server.url, 'Polls all-hands', WIDE)
  projector = await session.context.newPage()
  await projector.goto(`/s/${session.sessionId}/present`)
  await projector.getByRole('heading', { name: 'Polls all-hands' }).waitFor()
  for (const name of ['Ana', 'Ben', 'Cy']) {
    const context = await newPhone(browser, server.url)
    people[name] = { context, page: await joinRoom(context, session.code, name) }
  }
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('polls in Chromium', () => {
  it('a poll: answers online, offline before the close and offline after it; every screen agrees', async () => {
    const { host } = session
    const ana = people.Ana!
    const ben = people.Ben!
    const cy = people.Cy!
    await createPoll(host, {
      kind: 'single',
      question: 'Which talk next?',
      options: ['Security', 'Scaling', 'Design'],
    })
    await openButton(host, 'Which talk next?').click()
    for (const p of [ana, ben, cy])
      await p.page.getByRole('heading', { name: 'Which talk next?' }).waitFor()
    await projector.getByRole('heading', { name: 'Which talk next?' }).waitFor()

    await answer(ana.page, 'Scaling')
    await ana.page.getByText('Your answer is counted.').waitFor()

    await ben.context.setOffline(true)
    await cy.context.setOffline(true)
    await ben.page.getByRole('status').getByText('Offline', { exact: true }).waitFor()
    await cy.page.getByRole('status').getByText('Offline', { exact: true }).waitFor()
    await answer(ben.page, 'Security')
    await answer(cy.page, 'Design')
    await ben.page.getByText(/^Saved on this device/).waitFor()
    await screenshot(cy.page, 'polls-room-offline')

    // Ben comes back while the poll is open: counted.
    await ben.context.setOffline(false)
    await waitOnline(ben.page)
    await ben.page.getByText('Your answer is counted.').waitFor({ timeout: 20_000 })
    await eventually(() => bars(projector), ['Security:1', 'Scaling:1', 'Design:0'])

    // The host closes it from the keyboard; Cy's answer arrives after: refused, and told so.
    await host.locator('body').click({ position: { x: 5, y: 5 } })
    await host.keyboard.press('c')
    await host.locator('.poll-console-item[data-status="closed"]').waitFor()
    await cy.context.setOffline(false)
    await waitOnline(cy.page)
    await cy.page
      .getByText('Not counted: The poll closed before your answer arrived, so it was not counted.')
      .waitFor({ timeout: 20_000 })

    const expected = ['Security:1', 'Scaling:1', 'Design:0']
    for (const page of [host, projector, ana.page, ben.page, cy.page])
      await eventually(() => bars(page), expected)
    await screenshot(projector, 'polls-projector-results')
    await screenshot(host, 'polls-console')
  })

  it('a quiz question: points by speed, the leaderboard on the projector and each rank in the room', async () => {
    const { host } = session
    const ana = people.Ana!
    const ben = people.Ben!
    await createPoll(host, {
      kind: 'quiz',
      question: 'Which year did the web begin?',
      options: ['1979', '1989', '1999'],
      limit: 8,
      right: 2,
    })
    await host.locator('body').click({ position: { x: 5, y: 5 } })
    await host.keyboard.press('o')
    await ana.page.getByRole('heading', { name: 'Which year did the web begin?' }).waitFor()
    await ben.page.getByRole('heading', { name: 'Which year did the web begin?' }).waitFor()
    await answer(ana.page, '1989')
    await answer(ben.page, '1979')
    await ana.page.getByText('Your answer is counted.').waitFor()
    await ben.page.getByText('Your answer is counted.').waitFor()
    // Nobody sees the right answer while the question runs.
    await expect(ana.page.getByText('right answer').count()).resolves.toBe(0)
    // The server closes it when the time is up.
    await projector.locator('.leaderboard').waitFor({ timeout: 20_000 })
    const board = await projector.locator('.leaderboard-row').allTextContents()
    expect(board[0]).toMatch(/^1\.Ana\d+$/)
    expect(board[1]).toBe('2.Ben0')
    await ana.page.getByText(/^You are number 1 of 2 with \d+ points\.$/).waitFor()
    await ben.page.getByText('You are number 2 of 2 with 0 points.').waitFor()
    await projector.getByText('✓ right answer').waitFor()
    await screenshot(projector, 'polls-projector-leaderboard')
    await screenshot(ana.page, 'polls-room-leaderboard')
  })

  it('a word cloud: normalised answers grow the cloud; a hidden word leaves it', async () => {
    const { host } = session
    await createPoll(host, { kind: 'words', question: 'One word for this quarter' })
    await openButton(host, 'One word for this quarter').click()
    const say = async (name: string, text: string) => {
      const page = people[name]!.page
      await page.getByRole('heading', { name: 'One word for this quarter' }).waitFor()
      await page.getByLabel('Up to three words').fill(text)
      await page.locator('.polls').getByRole('button', { name: 'Answer' }).click()
      await page.getByText('Your answer is counted.').waitFor()
    }
    await say('Ana', 'Local first')
    await say('Ben', '  local   FIRST!')
    await say('Cy', 'Meh')
    const cloud = () => projector.locator('.word-cloud .word').allTextContents()
    await eventually(cloud, ['local first (2)', 'meh (1)'])
    await host.getByRole('button', { name: 'Hide “meh”' }).click()
    await eventually(cloud, ['local first (2)'])
    await eventually(
      () => people.Ana!.page.locator('.word-cloud .word').allTextContents(),
      ['local first (2)'],
    )
    await screenshot(projector, 'polls-projector-cloud')
  })

  it('open text while the session pre-moderates: answered offline, approved, then shown', async () => {
    const { host } = session
    const question = 'What should we cover next?'
    // The word cloud before closes, so the projector shows this poll.
    await host.locator('body').click({ position: { x: 5, y: 5 } })
    await host.keyboard.press('c')
    await host.getByLabel('Review questions before they are published').check()
    await createPoll(host, { kind: 'text', question })
    await openButton(host, question).click()
    const ana = people.Ana!
    const ben = people.Ben!
    const write = async (page: Page, text: string) => {
      await page.getByRole('heading', { name: question }).waitFor()
      await page.getByLabel('Your answer', { exact: true }).fill(text)
      await page.locator('.polls').getByRole('button', { name: 'Answer' }).click()
    }
    await write(ana.page, 'Offline sync in depth')
    await ana.page.getByText(/^Waiting for a moderator/).waitFor()

    // Written offline, it waits on the device, then in the queue like Ana's.
    await ben.context.setOffline(true)
    await ben.page.getByRole('status').getByText('Offline', { exact: true }).waitFor()
    await write(ben.page, 'Buy my course')
    await ben.page.getByText(/^Saved on this device/).waitFor()
    await ben.context.setOffline(false)
    await waitOnline(ben.page)
    await ben.page.getByText(/^Waiting for a moderator/).waitFor({ timeout: 20_000 })

    const mod = await session.context.newPage()
    await mod.goto(`/s/${session.sessionId}/moderate`)
    await waitStaffOnline(mod)
    const good = pendingCard(mod, 'Offline sync in depth')
    await good.waitFor()
    await good.getByText(`Poll: ${question}`).waitFor()
    await screenshot(mod, 'polls-moderation-queue')
    // Nothing shown while they wait: not on the projector, not in the console.
    await projector.getByRole('heading', { name: question }).waitFor()
    expect(await projector.locator('.poll-texts li').count()).toBe(0)

    await good.getByRole('button', { name: 'Approve' }).click()
    const spam = pendingCard(mod, 'Buy my course')
    await spam.getByRole('button', { name: 'Reject…' }).click()
    await spam.getByLabel(/Reason for the author/).fill('No advertising, please.')
    await spam.getByRole('button', { name: 'Reject', exact: true }).click()

    const texts = (page: Page) => page.locator('.poll-texts li').allTextContents()
    for (const page of [projector, host, ana.page, ben.page])
      await eventually(
        () => texts(page).then((t) => t.map((x) => x.trim())),
        ['Offline sync in depth'],
      )
    await ana.page.getByText('Your answer is counted.').waitFor()
    await ben.page
      .getByText('Not counted: A moderator did not publish this. No advertising, please.')
      .waitFor({ timeout: 20_000 })
    await screenshot(projector, 'polls-projector-moderated-text')
    await screenshot(ben.page, 'polls-room-answer-rejected')
    await mod.close()
    await host.getByLabel('Review questions before they are published').uncheck()
  })

  it('poll screens are accessible in light and dark (axe-core, WCAG 2 A and AA)', async () => {
    const { host } = session
    await createPoll(host, { kind: 'rating', question: 'How was the session?' })
    await openButton(host, 'How was the session?').click()
    const ana = people.Ana!.page
    await ana.getByRole('heading', { name: 'How was the session?' }).waitFor()
    for (const scheme of ['light', 'dark'] as const) {
      await ana.emulateMedia({ colorScheme: scheme })
      await expectAccessible(ana, `room-${scheme}`)
      await host.emulateMedia({ colorScheme: scheme })
      await expectAccessible(host, `console-${scheme}`)
      await projector.emulateMedia({ colorScheme: scheme })
      await expectAccessible(projector, `projector-${scheme}`)
    }
  })
})
