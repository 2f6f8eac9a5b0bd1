import type { TimerState } from '@podium/shared'
import { formatDuration } from './format.ts'

const STATE_TEXT: Record<TimerState['state'], string> = {
  stopped: 'Stopped',
  running: 'Running',
  paused: 'Paused',
}

/** Time left on the stage timer, with its state in words (not only by colour). */
export function TimerReadout(props: { timer: TimerState; remaining: number; class?: string }) {
  const over = () => props.timer.state !== 'stopped' && props.remaining === 0
  return (
    <div
      class={`st-timer ${props.class ?? ''}`}
      data-state={props.timer.state}
      classList={{ over: over() }}
    >
      <span class="st-timer-value" role="timer" aria-label="Time left">
        {formatDuration(props.remaining)}
      </span>
      <span class="st-timer-state">{over() ? "Time's up" : STATE_TEXT[props.timer.state]}</span>
    </div>
  )
}
