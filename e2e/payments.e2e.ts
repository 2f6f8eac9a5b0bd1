import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInByEmail } from '../test-support/accounts.ts'
import { launchBrowser } from '../test-support/browser.ts'
import { DESKTOP } from '../test-support/host.ts'
import { startInbox } from '../test-support/mail.ts'
import {
  buyProPlan,
  checkoutIdOf,
  deliver,
  type PaymentsWorld,
  paidSession,
  startPaymentsWorld,
  until,
} from '../test-support/payments.ts'
import { request } from '../test-support/podium.ts'
import { ensureClientBuilt } from '../test-support/served.ts'
import { chargeOf, startStripe } from '../test-support/stripe.ts'
import { newAddress, signInByMail } from './helpers/account.ts'
import { SCREENSHOTS, screenshot } from './helpers/room.ts'

// A paid session in Chromium: the join page shows the price and the seats left, a join
// without a ticket leads to Stripe Checkout (the stand-in's URL), the completion webhook
// makes the ticket, the room opens; the host's refund closes it.

let world: PaymentsWorld
let browser: Browser
const contexts: BrowserContext[] = []

beforeAll(async () => {
  await ensureClientBuilt()
  const [stripe, inbox] = await Promise.all([startStripe(), startInbox()])
  ;[world, browser] = await Promise.all([
    startPaymentsWorld({}, { stripe, inbox }),
    launchBrowser(),
  ])
}, 600_000)

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {})
  await browser?.close()
  await world?.close()
  await world?.stripe.close()
  await world?.inbox.close()
})

describe('a paid session', () => {
  it('join page → checkout → completion webhook → room; a refund closes it', async () => {
    const { session } = await paidSession(world, newAddress('host'), {
      amount: 1250,
      currency: 'eur',
      capacity: 40,
      prices: { jpy: 2000 },
    })
    const context = await browser.newContext({
      baseURL: world.url,
      viewport: DESKTOP,
      locale: 'en-GB',
    })
    contexts.push(context)
    const page = await context.newPage()

    await page.goto(`/j/${session.code}`)
    await page.getByRole('heading', { name: 'A ticket is needed' }).waitFor()
    await expect(page.locator('.ticket-price').textContent()).resolves.toContain('€12.50')
    await expect(page.locator('.ticket-price').textContent()).resolves.toContain('40 seats left')
    await screenshot(page, 'payments-join-signed-out')

    const buyer = newAddress('buyer')
    await signInByMail(page, world.inbox, buyer)
    await page.goto(`/j/${session.code}`)
    await page.getByRole('button', { name: 'Join' }).click()
    await page.getByRole('alert').filter({ hasText: 'needs a ticket' }).waitFor()
    await page.getByLabel('Pay in').selectOption('jpy')
    await expect(
      page.getByRole('button', { name: /Buy a ticket for/ }).textContent(),
    ).resolves.toMatch(/¥2,000|JP¥2,000/)
    await page.getByLabel('Pay in').selectOption('eur')
    await screenshot(page, 'payments-join-needs-ticket')

    // The stand-in's checkout page is not a page: stop at the request and read its URL.
    let checkoutUrl = ''
    await page.route(`${world.stripe.url}/**`, async (route) => {
      checkoutUrl = route.request().url()
      await route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<h1>Stripe Checkout</h1>',
      })
    })
    await page.getByRole('button', { name: 'Buy a ticket for €12.50' }).click()
    await page.waitForURL(/\/c\/pay\/cs_test_/)
    expect(checkoutUrl).toMatch(/\/c\/pay\/cs_test_/)

    // The buyer pays; Stripe sends the completion webhook and the buyer back.
    const completed = world.stripe.complete(checkoutIdOf(checkoutUrl))
    expect(
      (await deliver(world.url, world.stripe.event('checkout.session.completed', completed)))
        .status,
    ).toBe(200)
    await page.goto(`/j/${session.code}?checkout=success`)
    await page.getByText('Thank you: your payment went through').waitFor()
    await page.getByRole('heading', { name: 'You have a ticket' }).waitFor({ timeout: 60_000 })
    await expect(page.locator('.ticket-price').textContent()).resolves.toContain('39 seats left')
    await screenshot(page, 'payments-join-paid')
    await page.getByRole('button', { name: 'Join' }).click()
    await page.waitForURL(/\/s\/[^/]+$/)
    await page.getByRole('textbox', { name: 'Your question' }).waitFor()
    await screenshot(page, 'payments-room-open')

    // The host refunds; Stripe confirms; the room closes with a message.
    const list = await request<{ tickets: Array<{ id: string; email: string }> }>(
      `${world.url}/api/sessions/${session.id}/tickets`,
      { token: session.hostToken },
    )
    const ticket = list.body.tickets.find((t) => t.email === buyer)!
    const refund = await request(
      `${world.url}/api/sessions/${session.id}/tickets/${ticket.id}/refund`,
      {
        token: session.hostToken,
        body: {},
      },
    )
    expect(refund.status).toBe(202)
    await deliver(
      world.url,
      world.stripe.event('charge.refunded', chargeOf(world.stripe, completed)),
    )
    await page.getByText('your ticket (refunded)').waitFor({ timeout: 30_000 })
    await screenshot(page, 'payments-room-refunded')
  }, 180_000)

  it('gives the seat of an expired checkout back and tells its buyer', async () => {
    const { session } = await paidSession(world, newAddress('host-expiry'), {
      amount: 800,
      currency: 'eur',
      capacity: 1,
    })
    const context = await browser.newContext({
      baseURL: world.url,
      viewport: DESKTOP,
      locale: 'en-GB',
    })
    contexts.push(context)
    const page = await context.newPage()
    await signInByMail(page, world.inbox, newAddress('lapsed'))
    let checkoutUrl = ''
    await page.route(`${world.stripe.url}/**`, async (route) => {
      checkoutUrl = route.request().url()
      await route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<h1>Stripe Checkout</h1>',
      })
    })
    await page.goto(`/j/${session.code}`)
    await page.getByRole('button', { name: 'Buy a ticket for €8.00' }).click()
    await page.waitForURL(/\/c\/pay\/cs_test_/)

    // The buyer walks away; Stripe expires the session and says so.
    await page.goto(`/j/${session.code}`)
    await expect(page.locator('.notice').first().textContent()).resolves.toContain('Sold out')
    const expired = world.stripe.expire(checkoutIdOf(checkoutUrl))
    const event = world.stripe.event('checkout.session.expired', expired)
    expect((await deliver(world.url, event)).status).toBe(200)
    await until(async () => {
      await page.reload()
      await page
        .getByRole('button', { name: /Buy a ticket for|Opening/ })
        .or(page.getByText('Sold out'))
        .first()
        .waitFor()
      return (await page.getByText('Your last checkout expired').count()) > 0
    }, 'the expiry on the join page')
    await expect(page.locator('.ticket-price').textContent()).resolves.toContain('1 seat left')
    await page.getByRole('button', { name: 'Buy a ticket for €8.00' }).waitFor()
    await screenshot(page, 'payments-join-checkout-expired')
  }, 180_000)

  it('lets the host set the price, see the tickets and refund one in the console', async () => {
    const host = newAddress('console')
    await buyProPlan(world, await signInByEmail(world.url, world.inbox, host))
    const context = await browser.newContext({
      baseURL: world.url,
      viewport: DESKTOP,
      locale: 'en-GB',
    })
    contexts.push(context)
    const page = await context.newPage()
    await signInByMail(page, world.inbox, host)
    await page.goto('/')
    await page.getByLabel('Session title').fill('Console talk')
    await page.getByRole('button', { name: 'Create session' }).click()
    await page.waitForURL(/\/s\/[A-Za-z0-9_-]+\/host$/)
    const sessionId = page.url().split('/').at(-2) ?? ''
    await page.getByRole('heading', { name: 'Tickets' }).waitFor()
    await page.getByLabel('Price').fill('9')
    await page.getByLabel('Currency').selectOption('usd')
    await page.getByLabel('Seats (empty: no limit)').fill('20')
    await page.getByRole('button', { name: 'Save the price' }).click()
    await page.getByText('The price is saved.').waitFor()
    await page.getByText(/Paid session: (US)?\$9\.00 a ticket, 20 seats/).waitFor()

    const buyer = newAddress('sold')
    const client = await signInByEmail(world.url, world.inbox, buyer)
    const opened = await request<{ url: string }>(
      `${world.url}/api/sessions/${sessionId}/checkout`,
      {
        token: client.accessToken,
        body: {},
      },
    )
    expect(opened.status).toBe(200)
    const completed = world.stripe.complete(checkoutIdOf(opened.body.url))
    await deliver(world.url, world.stripe.event('checkout.session.completed', completed))
    await page.getByLabel('E-mail', { exact: true }).fill(newAddress('comp'))
    await page.getByRole('button', { name: 'Send ticket' }).click()
    await page.getByText(/A free ticket is on its way/).waitFor()
    const row = page.locator('.ticket-row', { hasText: buyer })
    await until(
      async () => (await row.count()) > 0 || (await page.reload(), false),
      'the sold ticket',
    )
    await row.getByRole('button', { name: 'Refund' }).click()
    await page.getByText(/The refund to .* is asked of Stripe/).waitFor()
    await deliver(
      world.url,
      world.stripe.event('charge.refunded', chargeOf(world.stripe, completed)),
    )
    await until(async () => {
      await page.reload()
      await page.getByRole('heading', { name: 'Tickets' }).waitFor()
      return (await page.getByText('confirmed by Stripe').count()) > 0
    }, 'the refund confirmed')
    await page.locator('.tickets').scrollIntoViewIfNeeded()
    await page.locator('.tickets').screenshot({ path: `${SCREENSHOTS}/payments-host-tickets.png` })
    await screenshot(page, 'payments-host-console')
  }, 180_000)

  it('shows the host plan on the account page and opens Checkout and the portal', async () => {
    const context = await browser.newContext({
      baseURL: world.url,
      viewport: DESKTOP,
      locale: 'en-GB',
    })
    contexts.push(context)
    const page = await context.newPage()
    const owner = newAddress('plan')
    await signInByMail(page, world.inbox, owner)
    await page.goto('/account')
    await page.getByRole('heading', { name: 'Your plan' }).waitFor()
    await page.locator('.plan-panel').getByText('free', { exact: true }).first().waitFor()
    await page.locator('.plan-panel').scrollIntoViewIfNeeded()
    await page
      .locator('.plan-panel')
      .screenshot({ path: `${SCREENSHOTS}/payments-account-plan.png` })
    const opened: string[] = []
    await page.route(`${world.stripe.url}/**`, async (route) => {
      opened.push(route.request().url())
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Stripe</h1>' })
    })
    await page.getByRole('button', { name: 'Choose pro, monthly' }).click()
    await page.waitForURL(/\/c\/pay\/cs_test_/)
    const sent = world.stripe.requests.filter((r) => r.path === '/v1/checkout/sessions').at(-1)!
    expect(sent.params).toMatchObject({
      mode: 'subscription',
      line_items: [{ price: 'price_proMonthly' }],
    })
    await page.goto('/account')
    await page.getByRole('button', { name: 'Manage billing' }).click()
    await page.waitForURL(/\/p\/session\/bps_/)
    expect(opened.some((u) => /\/p\/session\/bps_/.test(u))).toBe(true)
  }, 180_000)
})
