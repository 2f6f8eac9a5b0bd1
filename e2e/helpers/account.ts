import type { Page } from 'playwright-core'
import { type Inbox, linkIn } from '../../test-support/mail.ts'

/**
 * Signs in on `page` as a person would: the e-mail form on /signin, then the link from
 * the mail the inbox received, opened in the same browser. Ends on My sessions.
 */
export async function signInByMail(page: Page, inbox: Inbox, email: string): Promise<void> {
  await page.goto('/signin')
  await page.getByLabel('E-mail address').fill(email)
  await page.getByRole('button', { name: 'Send me a sign-in link' }).click()
  await page.getByRole('heading', { name: 'Check your mail' }).waitFor()
  const link = linkIn(await inbox.next(email))
  await page.goto(link)
  await page.waitForURL(/\/me$/)
  await page.getByRole('heading', { name: 'My sessions' }).waitFor()
}

let count = 0
/** A fresh address for each person a test signs in. */
export const newAddress = (who = 'person') => `${who}-${Date.now()}-${++count}@example.org`
