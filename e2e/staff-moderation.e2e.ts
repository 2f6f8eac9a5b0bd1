import { documentName } from '@podium/shared'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHostSession, WIDE } from '../test-support/host.ts'
import type { TestPodium } from '../test-support/podium.ts'
import { joinRoom } from '../test-support/room.ts'
import { startServer } from '../test-support/served.ts'
import { axeViolations } from './helpers/axe.ts'
import { ask, eventually, newPhone, screenshot, shownQuestions } from './helpers/room.ts'
import {
  blockSockets,
  consoleState,
  inviteModerator,
  launchStaffBrowser,
  pendingCard,
  questionCard,
} from './helpers/staff.ts'

let server: TestPodium
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([
    startServer({}, { signaling: true }),
    launchStaffBrowser(),
  ])
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** Everything the server holds in a session's public document, as text. */
function publicText(sessionId: string): Promise<string> {
  return server.podium.services.docs.read(documentName.public(sessionId), (doc) =>
    JSON.stringify(doc.toJSON()),
  )
}

describe('moderation in the browser', () => {
  it('pre-moderation: questions wait in the queue; the rejected author alone sees why', async () => {
    const { context, host, sessionId, code } = await createHostSession(
      browser,
      server.url,
      'Town hall',
    )
    await host.getByLabel('Review questions before they are published').check()
    const mod = await inviteModerator(host, browser, server.url, 'Mo')

    const [ada, bob] = await Promise.all([
      newPhone(browser, server.url).then((c) => joinRoom(c, code, 'Ada')),
      newPhone(browser, server.url).then((c) => joinRoom(c, code, 'Bob')),
    ])
    await ask(ada, 'Will there be a recording?')
    await ask(ada, 'Buy cheap watches at example.com')
    await pendingCard(mod, 'Will there be a recording?').waitFor()
    await pendingCard(mod, 'Buy cheap watches at example.com').waitFor()
    await ada
      .locator('.my-question[data-state="waiting-for-review"]')
      .filter({ hasText: 'Will there be a recording?' })
      .waitFor()
    // Nobody else sees a question that is waiting for review, not even in the document.
    expect(await shownQuestions(bob)).toEqual([])
    expect(await publicText(sessionId)).not.toContain('recording')

    await screenshot(mod, 'moderator-1280x800')
    await expect(axeViolations(mod)).resolves.toEqual([])
    await mod.setViewportSize(WIDE)
    await screenshot(mod, 'moderator-1920x1080')

    await pendingCard(mod, 'Will there be a recording?')
      .getByRole('button', { name: 'Approve' })
      .click()
    const spam = pendingCard(mod, 'Buy cheap watches at example.com')
    await spam.getByRole('button', { name: 'Reject…' }).click()
    await spam.getByLabel(/Reason for the author/).fill('Advertising is not allowed here.')
    await spam.getByRole('button', { name: 'Reject', exact: true }).click()

    for (const page of [ada, bob]) {
      await eventually(
        async () => (await shownQuestions(page)).map(([text]) => text),
        ['Will there be a recording?'],
      )
    }
    await ada
      .locator('.my-question[data-state="rejected"]')
      .filter({ hasText: 'Advertising is not allowed here.' })
      .waitFor()
    await eventually(() => mod.locator('.item-pending').count(), 0)
    await questionCard(mod, 'Will there be a recording?').waitFor()
    // The history is the server's audit log, read again shortly after each change.
    await eventually(async () => (await mod.locator('.audit-list li').count()) >= 2, true)

    expect(await bob.locator('body').textContent()).not.toContain('cheap watches')
    expect(await publicText(sessionId)).not.toContain('cheap watches')
    await screenshot(mod, 'moderator-1920x1080-decided')

    await Promise.all([
      context.close(),
      mod.context().close(),
      ada.context().close(),
      bob.context().close(),
    ])
  })

  it('the host revokes an accepted invite: the moderator console closes and says why', async () => {
    const { context, host } = await createHostSession(browser, server.url, 'Revoked')
    const mod = await inviteModerator(host, browser, server.url, 'Mo')
    await host.locator('.invite-list').getByRole('button', { name: 'Revoke' }).click()
    await host.locator('.invite-list').getByText('Revoked').waitFor()
    await screenshot(host, 'host-invite-revoked')
    await mod.getByRole('heading', { name: 'The host withdrew your access' }).waitFor()
    await expect(mod.locator('main, body').first().textContent()).resolves.toMatch(
      /ask them for a new invite/,
    )
    await screenshot(mod, 'moderator-revoked')
    // Their browser leaves the staff's peer-to-peer room too.
    await host
      .getByText(/0 staff peers linked|Online$/)
      .first()
      .waitFor()
    await Promise.all([context.close(), mod.context().close()])
  })

  it('two moderators act on the same questions while one is offline; both consoles end equal', async () => {
    const { context, host, code } = await createHostSession(browser, server.url, 'Panel')
    await host.getByLabel('Review questions before they are published').check()
    // The host moderates in a second tab. Mo stays off the peer link, so what Mo does
    // offline travels only through the server, once Mo is back.
    const hostMod = await context.newPage()
    await hostMod.goto(host.url().replace(/\/host$/, '/moderate'))
    const mo = await inviteModerator(host, browser, server.url, 'Mo', (ctx) =>
      blockSockets(ctx, /\/signal(\?|$)/),
    )

    const ada = await newPhone(browser, server.url).then((c) => joinRoom(c, code, 'Ada'))
    await ask(ada, 'Shared question')
    await ask(ada, 'Contested question')
    for (const page of [hostMod, mo]) {
      await page.getByRole('button', { name: /^All/ }).click()
      await pendingCard(page, 'Contested question').waitFor()
    }
    await pendingCard(hostMod, 'Shared question').getByRole('button', { name: 'Approve' }).click()
    for (const page of [hostMod, mo]) await questionCard(page, 'Shared question').waitFor()

    // Mo loses the connection and keeps working.
    await mo.context().setOffline(true)
    await mo.locator('.conn[data-status="offline"]').waitFor()
    const shared = questionCard(mo, 'Shared question')
    await shared.getByRole('button', { name: 'Pin' }).click()
    await shared.getByRole('button', { name: 'Answered' }).click()
    await shared.getByRole('button', { name: 'Reply' }).click()
    await mo.getByLabel('Reply as Moderator').fill('Written offline.')
    await mo.getByRole('button', { name: 'Post reply' }).click()
    const contested = pendingCard(mo, 'Contested question')
    await contested.getByRole('button', { name: 'Reject…' }).click()
    await contested.getByLabel(/Reason for the author/).fill('Duplicate.')
    await contested.getByRole('button', { name: 'Reject', exact: true }).click()
    await mo.locator('.conn-unsynced').waitFor()

    // Meanwhile the host, online, acts on the same two.
    const hostShared = questionCard(hostMod, 'Shared question')
    await hostShared.getByRole('button', { name: 'On screen' }).click()
    await hostShared.getByRole('button', { name: 'Labels' }).click()
    await hostMod.getByLabel('New label').fill('Roadmap')
    await hostMod.getByRole('button', { name: 'Add label' }).click()
    await hostShared.getByRole('button', { name: 'Reply' }).click()
    await hostMod.getByLabel('Reply as Host').fill('Written online.')
    await hostMod.getByRole('button', { name: 'Post reply' }).click()
    await pendingCard(hostMod, 'Contested question')
      .getByRole('button', { name: 'Approve' })
      .click()
    await questionCard(hostMod, 'Contested question').waitFor()
    expect((await consoleState(mo)).questions.map((q) => q.text)).toEqual(['Shared question'])

    await mo.context().setOffline(false)
    await mo.locator('.conn[data-status="online"]').waitFor({ timeout: 30_000 })
    await eventually(
      async () => JSON.stringify(await consoleState(mo)),
      JSON.stringify(await consoleState(hostMod)),
      20_000,
    )
    // And it stays equal once everything has settled.
    await new Promise((r) => setTimeout(r, 1_500))
    const [a, b] = await Promise.all([consoleState(hostMod), consoleState(mo)])
    expect(b).toEqual(a)
    const sharedState = a.questions.find((q) => q.text === 'Shared question')
    expect(sharedState).toEqual({
      text: 'Shared question',
      state: ['pinned', 'answered', 'on-screen'],
      labels: ['Roadmap'],
      replies: expect.arrayContaining(['Written offline.', 'Written online.']),
    })
    expect(a.queue).toEqual([])
    await expect(mo.locator('.conn-unsynced').count()).resolves.toBe(0)
    // The host's approval was carried out first; Mo's late rejection of the same item
    // must not take back what everyone already sees, nor tell its author otherwise.
    expect(a.questions.map((q) => q.text)).toEqual(['Contested question', 'Shared question'])
    await eventually(
      async () => (await shownQuestions(ada)).map(([text]) => text).sort(),
      ['Contested question', 'Shared question'],
    )
    await expect(ada.locator('.my-question[data-state="rejected"]').count()).resolves.toBe(0)

    await Promise.all([context.close(), mo.context().close(), ada.context().close()])
  })
})
