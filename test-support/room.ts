import type { BrowserContext, Page } from 'playwright-core'

// An attendee in the product's room, as the browser tests and the scripts that drive it
// in Chromium join.

/** Opens /j/<code>, joins under `name`, and waits for the room to load. */
export async function joinRoom(context: BrowserContext, code: string, name: string): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`/j/${code}`)
  await page.getByLabel('Your name (optional)').fill(name)
  await page.getByRole('button', { name: 'Join' }).click()
  await page.waitForURL(/\/s\/[A-Za-z0-9_-]+$/)
  await waitOnline(page)
  return page
}

export async function waitOnline(page: Page): Promise<void> {
  await page.getByRole('status').getByText('Online', { exact: true }).waitFor()
}
