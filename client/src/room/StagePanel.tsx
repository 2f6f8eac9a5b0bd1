import { remainingMs } from '@podium/shared'
import { createSignal, onCleanup, Show } from 'solid-js'
import { derive, sameJson, useRoom } from './context.ts'
import { formatDuration } from './timer-format.ts'

/** What is on stage now: the agenda item, its timer, and the spotlighted question. */
export function StagePanel() {
  const room = useRoom()
  const stage = derive(room, () => room.public.stage(), sameJson)
  const item = derive(
    room,
    () => {
      const id = stage().currentItemId
      return id ? (room.public.agenda().find((a) => a.id === id) ?? null) : null
    },
    sameJson,
  )
  const spotlight = derive(
    room,
    () => {
      const id = stage().spotlightQuestionId
      return id ? (room.public.question(id) ?? null) : null
    },
    sameJson,
  )

  const [now, setNow] = createSignal(room.serverNow())
  const tick = setInterval(() => setNow(room.serverNow()), 1000)
  onCleanup(() => clearInterval(tick))
  const timer = () => stage().timer
  const hasTimer = () => timer().durationMs > 0
  const left = () => remainingMs(timer(), now())

  return (
    <Show when={item() || hasTimer() || spotlight()}>
      <section class="card stage" aria-labelledby="stage-heading">
        <h2 id="stage-heading" class="visually-hidden">
          On stage
        </h2>
        <Show when={item()}>
          {(current) => (
            <p class="stage-item">
              Now: <span dir="auto">{current().title}</span>
            </p>
          )}
        </Show>
        <Show when={hasTimer()}>
          <p class="timer" classList={{ 'timer-done': left() === 0 }}>
            <span class="visually-hidden">Time left: </span>
            <time>{formatDuration(left())}</time>
            <Show when={timer().state === 'paused'}>
              <span class="timer-state"> (paused)</span>
            </Show>
          </p>
        </Show>
        <Show when={spotlight()}>
          {(question) => (
            <figure class="spotlight">
              <figcaption>In the spotlight</figcaption>
              <blockquote dir="auto">{question().text}</blockquote>
              <p class="author" dir="auto">
                {question().authorName ?? 'Anonymous'}
              </p>
            </figure>
          )}
        </Show>
      </section>
    </Show>
  )
}
