import { createSignal, Show } from 'solid-js'
import { minutesToSeconds } from '../model/agenda.ts'
import type { StaffRoom } from '../model/room.ts'
import { createTimerClock, requestTimer } from '../model/timer.ts'
import { TimerReadout } from '../ui/TimerReadout.tsx'

/** Start, pause and reset the stage timer; the server stamps each command with its clock. */
export function TimerPanel(props: { room: StaffRoom }) {
  const clock = createTimerClock(props.room)
  /** What was typed; null until someone types, then the field shows the timer's duration. */
  const [minutes, setMinutes] = createSignal<string | null>(null)
  const [error, setError] = createSignal<string | null>(null)
  const fieldMinutes = () => {
    const current = clock.timer().durationMs
    return minutes() ?? (current ? String(current / 60_000) : '5')
  }

  /** The typed duration in ms, or null (and an error shown) when it is not one. */
  const durationMs = (): number | null => {
    const seconds = minutesToSeconds(fieldMinutes())
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > 24 * 3600) {
      setError('Enter a duration in minutes, between 0 and 1440.')
      return null
    }
    setError(null)
    return seconds * 1000
  }
  const start = () => {
    if (clock.timer().state === 'paused') {
      requestTimer(props.room, 'start')
      return
    }
    const ms = durationMs()
    if (ms === null) return
    if (ms === 0) {
      setError('Set a duration above zero before starting.')
      return
    }
    requestTimer(props.room, 'start', ms)
    setMinutes(null)
  }
  const reset = (event: Event) => {
    event.preventDefault()
    const ms = durationMs()
    if (ms === null) return
    requestTimer(props.room, 'reset', ms)
    setMinutes(null)
  }

  return (
    <section class="panel timer-panel" aria-labelledby="timer-heading">
      <h2 id="timer-heading">Timer</h2>
      <TimerReadout timer={clock.timer()} remaining={clock.remaining()} class="st-timer-large" />
      <form class="row timer-controls" onSubmit={reset}>
        <label class="st-field">
          <span>Duration (minutes)</span>
          <input
            type="number"
            min="0"
            max="1440"
            step="0.5"
            inputmode="decimal"
            value={fieldMinutes()}
            onInput={(e) => setMinutes(e.currentTarget.value)}
          />
        </label>
        <Show
          when={clock.timer().state === 'running'}
          fallback={
            <button type="button" class="btn btn-primary" onClick={start}>
              {clock.timer().state === 'paused' ? 'Resume' : 'Start'}
            </button>
          }
        >
          <button
            type="button"
            class="btn btn-primary"
            onClick={() => requestTimer(props.room, 'pause')}
          >
            Pause
          </button>
        </Show>
        <button type="submit" class="btn">
          Reset
        </button>
      </form>
      <Show when={clock.waiting()}>
        <p class="st-hint" role="status">
          Waiting for the server to apply the last command…
        </p>
      </Show>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
    </section>
  )
}
