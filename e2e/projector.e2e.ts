import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHostSession, waitStaffOnline } from '../test-support/host.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { joinRoom, waitOnline } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import { goLive, goOnStage, launchVideoBrowser, waitForPlaying } from '../test-support/video.ts'
import { ask, newPhone, screenshot } from './helpers/room.ts'
import { questionCard } from './helpers/staff.ts'

// The projector as a room sees it: an address that works as typed, long and right-to-left
// questions that fit, no row behind the "Full screen" button, the stage video and screen
// share, and an ended session that looks ended.

let server: TestPodium
let browser: Browser

const HD = { width: 1280, height: 720 }

beforeAll(async () => {
  ;[server, browser] = await Promise.all([
    startServer({}, { signaling: true }),
    launchVideoBrowser(),
  ])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function openProjector(page: Page, sessionId: string): Promise<void> {
  await page.goto(`/s/${sessionId}/present`)
  await page.locator('.projector-address').waitFor()
}

/** Where each shown row of the top list is, and the list's and the button's boxes. */
function layout(page: Page) {
  return page.evaluate(() => {
    const box = (el: Element | null) => {
      if (!el) return null
      const r = el.getBoundingClientRect()
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }
    }
    const list = document.querySelector('.projector-top')
    const rows = [...document.querySelectorAll('.projector-top li')]
      .filter((li) => !(li as HTMLElement).hidden)
      .map((li) => ({ text: li.textContent ?? '', ...box(li)! }))
    const figure = document.querySelector<HTMLElement>('.projector-spotlight')
    const text = figure?.querySelector('p') ?? null
    return {
      list: box(list),
      rows,
      button: box(document.querySelector('.projector-fullscreen')),
      viewport: { width: window.innerWidth, height: window.innerHeight },
      spotlight: figure
        ? {
            text: text?.textContent ?? '',
            fits: figure.scrollHeight <= figure.clientHeight + 1,
            overflowFlag: figure.hasAttribute('data-overflow'),
            fontPx: Number.parseFloat(getComputedStyle(text!).fontSize),
            textBox: box(text),
            figureBox: box(figure),
          }
        : null,
    }
  })
}

/**
 * Whether a text is laid out right to left as the reader sees it: its first letter at
 * the right, its last (the question mark) at the left, the line against the right edge.
 */
function readsRightToLeft(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => {
    const text = el.firstChild
    if (!text || text.nodeType !== Node.TEXT_NODE) return false
    const length = (text as Text).data.length
    const range = document.createRange()
    range.setStart(text, 0)
    range.setEnd(text, 1)
    const first = range.getBoundingClientRect()
    range.setStart(text, length - 1)
    range.setEnd(text, length)
    const last = range.getBoundingClientRect()
    const box = el.getBoundingClientRect()
    const padding = Number.parseFloat(getComputedStyle(el).paddingRight) || 0
    return first.left > last.left && box.right - padding - first.right < 2
  })
}

const overlaps = (
  a: { top: number; bottom: number; left: number; right: number },
  b: { top: number; bottom: number; left: number; right: number },
) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom

describe('the projector tells the truth', () => {
  it('shows one join address that works as typed; /j without a code asks for it', async () => {
    const { context, sessionId, code } = await createHostSession(browser, server.url, 'All hands')
    const projector = await context.newPage()
    await projector.setViewportSize(HD)
    await openProjector(projector, sessionId)
    const address = (await projector.locator('.projector-address').textContent()) ?? ''
    expect(address).toBe(`${new URL(server.url).host}/j/${code}`)
    await expect(projector.locator('.projector-join-text').textContent()).resolves.toBe(
      `Join at ${address}`,
    )

    // Typed into a phone's address bar as it reads (the browser adds http://).
    const phone = await newPhone(browser, server.url)
    const typed = await phone.newPage()
    await typed.goto(`http://${address}`)
    await typed.getByRole('heading', { name: `Join session ${code}` }).waitFor()
    await typed.getByLabel('Your name (optional)').fill('Ada')
    await typed.getByRole('button', { name: 'Join' }).click()
    await typed.waitForURL(new RegExp(`/s/${sessionId}$`))
    await waitOnline(typed)

    // The address without its code asks for the code instead of "This page does not exist".
    const bare = await (await newPhone(browser, server.url)).newPage()
    await bare.goto('/j')
    await bare.getByRole('heading', { name: 'Join a session' }).waitFor()
    await screenshot(bare, 'join-without-code-360')
    await bare.getByLabel('Session code').fill('ZZZZZZ')
    await bare.getByRole('button', { name: 'Join' }).click()
    await bare.getByRole('heading', { name: 'No session has the code ZZZZZZ' }).waitFor()
    await bare.getByRole('button', { name: 'Enter another code' }).click()
    await bare.getByLabel('Session code').fill(code.toLowerCase())
    await bare.getByLabel('Your name (optional)').fill('Bo')
    await bare.getByRole('button', { name: 'Join' }).click()
    await bare.waitForURL(new RegExp(`/s/${sessionId}$`))
    await waitOnline(bare)

    await Promise.all([context.close(), phone.close(), bare.context().close()])
  })

  it('fits long and right-to-left questions, hides no row behind a button, and ends', async () => {
    const { context, host, sessionId, code } = await createHostSession(
      browser,
      server.url,
      'Quarterly review',
    )
    await goLive(host)
    const long =
      `${'Will the new building have enough meeting rooms for every team that moves in, '.repeat(3)}and when?`.slice(
        0,
        300,
      )
    const rtl = 'متى سيتم افتتاح المبنى الجديد للموظفين؟'
    const unbroken = `Why${'o'.repeat(120)}?`
    const ada = await joinRoom(await newPhone(browser, server.url), code, 'Ada')
    await ask(ada, long)
    await ask(ada, rtl)
    await ask(ada, unbroken)
    for (let i = 1; i <= 5; i++) await ask(ada, `Short question number ${i} about the roadmap?`)

    const moderate = await context.newPage()
    await moderate.goto(`/s/${sessionId}/moderate`)
    await waitStaffOnline(moderate)
    await questionCard(moderate, long.slice(0, 40))
      .getByRole('button', { name: 'On screen' })
      .click()

    const projector = await context.newPage()
    await projector.setViewportSize(HD)
    await openProjector(projector, sessionId)
    await projector.locator('.projector-spotlight').waitFor()
    await projector.locator('.projector-top li').first().waitFor()
    await projector.waitForTimeout(300)

    const shown = await layout(projector)
    // The whole question, inside its box, without an ellipsis or a scroll bar.
    expect(shown.spotlight?.text).toBe(long)
    expect(shown.spotlight?.fits).toBe(true)
    expect(shown.spotlight?.overflowFlag).toBe(false)
    expect(shown.spotlight!.textBox!.bottom).toBeLessThanOrEqual(shown.spotlight!.figureBox!.bottom)
    expect(shown.spotlight!.fontPx).toBeGreaterThanOrEqual(18)
    // Every row shown is whole, inside the list, and clear of the "Full screen" button.
    expect(shown.rows.length).toBeGreaterThan(0)
    for (const row of shown.rows) {
      expect(row.bottom, row.text).toBeLessThanOrEqual(shown.list!.bottom + 0.5)
      expect(overlaps(row, shown.button!), `${row.text} under the button`).toBe(false)
    }
    expect(shown.button!.bottom).toBeLessThanOrEqual(shown.viewport.height)
    await screenshot(projector, 'projector-long-question-1280x720')

    // A right-to-left question reads right to left; a long word stays inside its card.
    await questionCard(moderate, rtl).getByRole('button', { name: 'On screen' }).click()
    await projector.locator('.projector-spotlight p', { hasText: rtl }).waitFor()
    await expect(readsRightToLeft(projector.locator('.projector-spotlight p'))).resolves.toBe(true)
    await screenshot(projector, 'projector-rtl-1280x720')
    const spill = await ada.evaluate(() =>
      [...document.querySelectorAll('.question')].some((q) => q.scrollWidth > q.clientWidth + 1),
    )
    expect(spill).toBe(false)
    await expect(readsRightToLeft(ada.locator('.question-text', { hasText: rtl }))).resolves.toBe(
      true,
    )
    await expect(readsRightToLeft(moderate.locator('.item-text', { hasText: rtl }))).resolves.toBe(
      true,
    )
    await screenshot(ada, 'room-rtl-long-word-360')
    const modSpill = await moderate.evaluate(() =>
      [...document.querySelectorAll('.item')].some((q) => q.scrollWidth > q.clientWidth + 1),
    )
    expect(modSpill).toBe(false)

    // The host ends the session: the projector says so, and nothing runs on it.
    await host.getByRole('button', { name: 'End session…' }).click()
    await host.getByRole('button', { name: 'End session', exact: true }).click()
    await projector.getByRole('heading', { name: 'This session has ended' }).waitFor()
    await expect(projector.locator('[role="timer"]').count()).resolves.toBe(0)
    await expect(projector.locator('.projector-spotlight').count()).resolves.toBe(0)
    await expect(projector.getByText('Join at').count()).resolves.toBe(0)
    await screenshot(projector, 'projector-ended-1280x720')

    await Promise.all([context.close(), ada.context().close()])
  })

  it('shows the stage video and the shared screen when the host is on stage', async () => {
    const { context, host, sessionId } = await createHostSession(browser, server.url, 'Launch', {
      width: 1280,
      height: 900,
    })
    await goLive(host)
    const projector = await context.newPage()
    await projector.setViewportSize(HD)
    await openProjector(projector, sessionId)
    await expect(projector.locator('[data-testid="projector-video"]').count()).resolves.toBe(0)

    await host.bringToFront()
    await goOnStage(host)
    await host.getByRole('button', { name: 'Share screen' }).click()
    await host.getByRole('button', { name: 'Stop sharing' }).waitFor()
    await projector.locator('[data-testid="projector-video"]').waitFor()
    await waitForPlaying(projector, 'camera', 40_000)
    await waitForPlaying(projector, 'screen', 40_000)
    await screenshot(projector, 'projector-video-1280x720')

    // Off stage again: the questions come back.
    await host.getByRole('button', { name: 'Leave stage' }).click()
    await expect
      .poll(() => projector.locator('[data-testid="projector-video"]').count(), {
        timeout: 10_000,
      })
      .toBe(0)
    await context.close()
  })
})
