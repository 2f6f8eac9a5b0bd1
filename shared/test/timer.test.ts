import { describe, expect, it } from 'vitest'
import type { TimerState } from '../src/doc/schema.ts'
import { applyTimerCommand, remainingMs } from '../src/doc/timer.ts'

const stopped: TimerState = { durationMs: 60_000, state: 'stopped', startedAt: null, elapsedMs: 0 }
const cmd = (action: 'start' | 'pause' | 'reset', durationMs?: number) => ({
  id: 'c',
  action,
  by: 'u',
  durationMs,
})

describe('timer', () => {
  it('runs, pauses and resumes on the server clock', () => {
    const running = applyTimerCommand(stopped, cmd('start'), 1_000)
    expect(running).toMatchObject({ state: 'running', startedAt: 1_000, elapsedMs: 0 })
    expect(remainingMs(running, 11_000)).toBe(50_000)
    const paused = applyTimerCommand(running, cmd('pause'), 21_000)
    expect(paused).toMatchObject({ state: 'paused', startedAt: null, elapsedMs: 20_000 })
    expect(remainingMs(paused, 99_000)).toBe(40_000)
    const resumed = applyTimerCommand(paused, cmd('start'), 100_000)
    expect(remainingMs(resumed, 110_000)).toBe(30_000)
  })

  it('never shows less than zero, and reset sets a new duration', () => {
    const running = applyTimerCommand(stopped, cmd('start'), 0)
    expect(remainingMs(running, 120_000)).toBe(0)
    const reset = applyTimerCommand(running, cmd('reset', 5_000), 130_000)
    expect(reset).toEqual({ durationMs: 5_000, state: 'stopped', startedAt: null, elapsedMs: 0 })
  })

  it('ignores pause when not running and start when already running', () => {
    expect(applyTimerCommand(stopped, cmd('pause'), 5)).toBe(stopped)
    const running = applyTimerCommand(stopped, cmd('start'), 0)
    expect(applyTimerCommand(running, cmd('start'), 500).startedAt).toBe(0)
  })
})
