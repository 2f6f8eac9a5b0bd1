import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { expect } from 'vitest'

export const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/screenshots')
export const PHONE = { width: 360, height: 740 }

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

export async function newPhone(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL, viewport: PHONE, deviceScaleFactor: 1, hasTouch: true })
}

export async function ask(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Your question' }).fill(text)
  await page.getByRole('button', { name: 'Send question' }).click()
}

/** The question list as shown: text and vote count of each item, top to bottom. */
export async function shownQuestions(page: Page): Promise<Array<[string, number]>> {
  return page
    .locator('.question-list > li')
    .evaluateAll((items) =>
      items.map((li) => [
        li.querySelector('.question-text')?.textContent ?? '',
        Number(li.querySelector('.vote-count')?.textContent ?? 'NaN'),
      ]),
    )
}

export function questionItem(page: Page, text: string) {
  return page.locator('.question-list > li').filter({ has: page.getByText(text, { exact: true }) })
}

/** Polls until `read()` equals `expected` (the pages converge through the server). */
export async function eventually<T>(
  read: () => Promise<T>,
  expected: T,
  timeout = 15_000,
): Promise<void> {
  await expect.poll(read, { timeout, interval: 100 }).toEqual(expected)
}
