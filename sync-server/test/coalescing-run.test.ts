import { describe, expect, it } from 'vitest'
import { CoalescingRun } from '../src/workers/coalescing-run.ts'

describe('a coalescing run', () => {
  it('runs once more after the run under way however often it was asked, never two at once', async () => {
    let runs = 0
    let overlapping = 0
    let active = 0
    let release: () => void = () => {}
    const run = new CoalescingRun(async () => {
      runs++
      active++
      overlapping = Math.max(overlapping, active)
      await new Promise<void>((r) => (release = r))
      active--
    })
    run.request()
    expect(runs).toBe(1)
    run.request()
    run.request()
    run.request()
    expect(runs).toBe(1)
    const first = run.running
    release()
    await first
    // The three asks made while it ran are one more run.
    await new Promise((r) => setTimeout(r, 0))
    expect(runs).toBe(2)
    const second = run.running
    release()
    await second
    await new Promise((r) => setTimeout(r, 0))
    expect(runs).toBe(2)
    expect(run.running).toBeNull()
    expect(overlapping).toBe(1)
  })

  it('does not run while it is not allowed, and an ask from inside a run runs again', async () => {
    let allowed = false
    let runs = 0
    const run = new CoalescingRun(
      async () => {
        runs++
        if (runs === 1) run.request()
      },
      () => allowed,
    )
    run.request()
    expect(run.running).toBeNull()
    allowed = true
    run.request()
    while (run.running) await run.running
    expect(runs).toBe(2)
  })
})
