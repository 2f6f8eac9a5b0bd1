import { signalingOptions } from '@podium/sync-server'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHostSession } from '../test-support/host.ts'
import { type PaymentsWorld, startPaymentsWorld } from '../test-support/payments.ts'
import { ensureClientBuilt } from '../test-support/served.ts'
import { launchVideoBrowser, STAGE_DESKTOP } from '../test-support/video.ts'
import { screenshot } from './helpers/room.ts'

// The plan limits table's video stage in Chromium: on an instance selling plans, a host on
// the free plan who tries to go on stage is told which plan lifts the limit, before any
// camera opens, and stays off stage.

let world: PaymentsWorld
let browser: Browser

beforeAll(async () => {
  await ensureClientBuilt()
  ;[world, browser] = await Promise.all([
    startPaymentsWorld({}, { podium: signalingOptions() }),
    launchVideoBrowser(),
  ])
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await world?.close()
})

describe('the video stage and the host plan', () => {
  it('tells a free-plan host in words why the stage does not open', async () => {
    const { context, host } = await createHostSession(
      browser,
      world.url,
      'Free plan talk',
      STAGE_DESKTOP,
    )
    await host.getByRole('button', { name: 'Go on stage' }).click()
    const alert = host.getByRole('alert').filter({ hasText: 'video stage' })
    await alert.waitFor()
    await expect(alert.textContent()).resolves.toContain(
      'The free plan has no video stage. The pro plan lifts this limit',
    )
    await expect(host.getByRole('button', { name: 'Go on stage' }).isEnabled()).resolves.toBe(true)
    await expect(host.getByText(/^On stage · \d+ watching/).count()).resolves.toBe(0)
    await screenshot(host, 'video-stage-plan-refused')
    await context.close()
  })
})
