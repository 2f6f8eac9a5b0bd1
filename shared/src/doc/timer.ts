import type { TimerCommand, TimerState } from './schema.ts'

/** A timer nobody has started: what the stage holds until staff set one. */
export const STOPPED_TIMER: TimerState = {
  durationMs: 0,
  state: 'stopped',
  startedAt: null,
  elapsedMs: 0,
}

/** Time run so far, on the server's clock `now`. */
export function elapsedMs(timer: TimerState, now: number): number {
  if (timer.state !== 'running' || timer.startedAt === null) return timer.elapsedMs
  return timer.elapsedMs + Math.max(0, now - timer.startedAt)
}

/** Time left (never below zero); clients pass their estimate of the server's clock. */
export function remainingMs(timer: TimerState, now: number): number {
  return Math.max(0, timer.durationMs - elapsedMs(timer, now))
}

/** The server applies a staff member's timer command with its own clock. */
export function applyTimerCommand(
  timer: TimerState,
  command: TimerCommand,
  now: number,
): TimerState {
  switch (command.action) {
    case 'start': {
      const durationMs = command.durationMs ?? timer.durationMs
      if (timer.state === 'running') return { ...timer, durationMs }
      return { durationMs, state: 'running', startedAt: now, elapsedMs: timer.elapsedMs }
    }
    case 'pause':
      if (timer.state !== 'running') return timer
      return { ...timer, state: 'paused', startedAt: null, elapsedMs: elapsedMs(timer, now) }
    case 'reset':
      return {
        durationMs: command.durationMs ?? timer.durationMs,
        state: 'stopped',
        startedAt: null,
        elapsedMs: 0,
      }
    default: {
      const unknown: never = command.action
      throw new Error(`unknown timer action ${String(unknown)}`)
    }
  }
}
