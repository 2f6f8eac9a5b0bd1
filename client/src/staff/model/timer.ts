import type { PublicDoc, TimerState } from '@podium/shared'
import { newId, remainingMs } from '@podium/shared'
import { type Accessor, createMemo, createSignal, onCleanup } from 'solid-js'
import type { StaffRoom } from './room.ts'

/** What a timer display needs: the public document, its version and the server's clock. */
export type TimerSource = Pick<StaffRoom, 'version' | 'serverNow'> & { pub: PublicDoc }

/**
 * The stage timer as stamped by the server, and the time left on the server's clock,
 * re-read several times a second so displays on different devices agree.
 */
export function createTimerClock(
  source: TimerSource,
  intervalMs = 200,
): { timer: Accessor<TimerState>; remaining: Accessor<number>; waiting: Accessor<boolean> } {
  const timer = createMemo(() => {
    source.version()
    return source.pub.stage().timer
  })
  const waiting = createMemo(() => {
    source.version()
    return source.pub.pendingTimerCommand() !== null
  })
  const [now, setNow] = createSignal(source.serverNow())
  const tick = setInterval(() => setNow(source.serverNow()), intervalMs)
  onCleanup(() => clearInterval(tick))
  const remaining = createMemo(() => {
    // Re-read the clock when the timer itself changes, not only on the next tick.
    timer()
    return remainingMs(timer(), Math.max(now(), source.serverNow()))
  })
  return { timer, remaining, waiting }
}

export type TimerAction = 'start' | 'pause' | 'reset'

/**
 * Asks the server to change the timer; it applies the command with its own clock and
 * records who asked from the connection that delivered it.
 */
export function requestTimer(
  room: Pick<StaffRoom, 'pub'>,
  action: TimerAction,
  durationMs?: number,
): void {
  room.pub.requestTimer({
    id: newId(),
    action,
    ...(durationMs !== undefined ? { durationMs } : {}),
  })
}
