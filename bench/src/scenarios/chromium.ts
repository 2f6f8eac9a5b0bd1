import { existsSync } from 'node:fs'
import { JoinResponse } from '@podium/shared'
import { chromium, type Page } from 'playwright-core'
import { clientIsCurrent } from '../../../scripts/client-build.mjs'
import type { StepResult } from '../harness/context.ts'
import { Moderator } from '../harness/moderator.ts'
import type { Room, RunningTarget } from '../targets/index.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run']
const ITEM = 'li[data-question-id]'
/** An item of the live list: the room preview's items (read-only, from HTTP) are marked. */
const LIVE_ITEM = 'li[data-question-id]:not([data-preview])'

/**
 * Installed before the app's scripts: notes (in ms from navigation start) when the
 * first question item is in the DOM (the preview's or the live list's), when the first
 * item of the live list is (the document applied, votes and replies work), and when the
 * list holds every question.
 */
const OBSERVER = `(() => {
  const marks = { first: null, live: null, all: null, count: 0 }
  window.__benchMarks = marks
  const look = () => {
    const count = document.querySelectorAll('${ITEM}').length
    marks.count = count
    if (count > 0 && marks.first === null) marks.first = performance.now()
    if (marks.live === null && document.querySelector('${LIVE_ITEM}')) marks.live = performance.now()
    if (window.__benchTotal && count >= window.__benchTotal && marks.all === null) marks.all = performance.now()
  }
  new MutationObserver(look).observe(document, { childList: true, subtree: true })
})()`

interface Marks {
  first: number | null
  live: number | null
  all: number | null
  count: number
}

/** Live changes the page is timed on, and the pause between them. */
const LIVE_CHANGES = 10
const LIVE_GAP_MS = 300

/**
 * Time to first render of the question list in Chromium: a cold visit (empty
 * IndexedDB, online), then a reload while offline, served by the service worker and
 * IndexedDB. Between the two, what one live change (a moderator marks a question
 * answered) costs the page's main thread with the whole list on it. The client is
 * built before the run starts (bench/run.ts).
 */
export async function firstRender(
  target: RunningTarget,
  room: Room,
  total: number,
): Promise<StepResult['metrics']> {
  const code = room.code!
  // bench/run.ts builds the client before any server starts; one built only now would not
  // be served by the server already running.
  if (!clientIsCurrent()) {
    return {
      firstRenderColdMs: null,
      firstRenderOfflineMs: null,
      chromiumNote: 'the client changed after the server started; run again',
    }
  }
  if (!existsSync(CHROMIUM)) {
    return {
      firstRenderColdMs: null,
      firstRenderOfflineMs: null,
      chromiumNote: `no Chromium at ${CHROMIUM}`,
    }
  }
  const response = await fetch(`${target.httpUrl}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, name: 'Chromium' }),
  })
  const identity = JoinResponse.parse(await response.json())
  const stored = JSON.stringify({
    sessionId: identity.sessionId,
    userId: identity.userId,
    token: identity.token,
    role: identity.role,
    name: identity.name,
  })
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  try {
    const context = await browser.newContext({ serviceWorkers: 'allow' })
    await context.addInitScript(OBSERVER)
    await context.addInitScript(
      `localStorage.setItem(${JSON.stringify(`podium:identity:${identity.sessionId}`)}, ${JSON.stringify(stored)})`,
    )
    const page = await context.newPage()
    const url = `${target.httpUrl}/s/${identity.sessionId}`
    await context.addInitScript(`window.__benchTotal = ${total}`)

    await page.goto(url)
    const cold = await waitMarks(page, 60_000)
    // Let y-indexeddb store the document and the service worker take control before going offline.
    const controlled = await page.evaluate(() =>
      Promise.race([
        navigator.serviceWorker?.ready.then(() => true) ?? Promise.resolve(false),
        new Promise<boolean>((r) => setTimeout(() => r(false), 30_000)),
      ]),
    )
    await page.waitForTimeout(3_000)
    const coldMetrics = {
      firstRenderColdMs: round(cold.first),
      liveListColdMs: round(cold.live),
      fullListColdMs: round(cold.all),
      serviceWorker: controlled,
      ...(await liveChangeCost(target, room, page)),
    }
    await context.setOffline(true)
    // An offline reload the service worker could not serve is reported, and the cold
    // figures and the rest of the step are kept.
    const reloaded = await page.reload().then(
      () => null,
      (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!,
    )
    if (reloaded !== null) {
      return {
        ...coldMetrics,
        firstRenderOfflineMs: null,
        fullListOfflineMs: null,
        chromiumNote: `offline reload failed: ${reloaded}`,
      }
    }
    const offline = await waitMarks(page, 60_000)
    return {
      ...coldMetrics,
      firstRenderOfflineMs: round(offline.first),
      liveListOfflineMs: round(offline.live),
      fullListOfflineMs: round(offline.all),
      renderedQuestions: offline.count,
    }
  } finally {
    await browser.close()
  }
}

const round = (n: number | null) => (n === null ? null : Math.round(n))

async function waitMarks(page: Page, timeoutMs: number): Promise<Marks> {
  await page
    .waitForFunction(
      () => (window as unknown as { __benchMarks: Marks }).__benchMarks.all !== null,
      null,
      {
        timeout: timeoutMs,
        polling: 100,
      },
    )
    .catch(() => undefined)
  return page.evaluate(() => (window as unknown as { __benchMarks: Marks }).__benchMarks)
}

/**
 * Main-thread time per live change with every question on the page: a moderator marks
 * LIVE_CHANGES questions answered, LIVE_GAP_MS apart, and Chromium's own task time over
 * that window (DevTools' TaskDuration), less what the page spends idle in as long, is
 * divided by the changes. Each change reaches every attendee of a live session, and a
 * vote tick changes the tallies up to 20 times a second.
 */
async function liveChangeCost(
  target: RunningTarget,
  room: Room,
  page: Page,
): Promise<StepResult['metrics']> {
  const moderator = await Moderator.connect(target, room)
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('Performance.enable')
    const taskSeconds = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics')
      return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0
    }
    const answeredOnPage = () => page.locator('article.question-answered').count()
    const open = moderator.pub
      .questions()
      .filter((q) => !q.answered)
      .slice(0, LIVE_CHANGES)
    const answeredBefore = await answeredOnPage()

    const idleFrom = await taskSeconds()
    const idleStarted = performance.now()
    await page.waitForTimeout(2_000)
    const idlePerSecond =
      ((await taskSeconds()) - idleFrom) / ((performance.now() - idleStarted) / 1000)

    const busyFrom = await taskSeconds()
    const started = performance.now()
    for (const q of open) {
      moderator.pub.updateQuestion(q.id, { answered: true, answeredAt: Date.now() })
      await page.waitForTimeout(LIVE_GAP_MS)
    }
    // No polling of the page in the window: it would be counted as the page's work.
    await page.waitForTimeout(1_000)
    const busy = (await taskSeconds()) - busyFrom
    const elapsed = (performance.now() - started) / 1000
    const delivered = (await answeredOnPage()) - answeredBefore
    return {
      liveChanges: open.length,
      liveChangesShown: delivered,
      liveChangeMainThreadMs:
        delivered === open.length && open.length > 0
          ? Math.round(((busy - idlePerSecond * elapsed) / open.length) * 10_000) / 10
          : null,
      idleMainThreadMsPerSecond: Math.round(idlePerSecond * 10_000) / 10,
    }
  } finally {
    await cdp.detach().catch(() => undefined)
    moderator.close()
  }
}
