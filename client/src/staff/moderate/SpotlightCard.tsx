import { createMemo, Show } from 'solid-js'
import { clearSpotlight } from '../model/actions.ts'
import type { StaffRoom } from '../model/room.ts'
import { authorLabel } from '../ui/format.ts'

/** What the projector shows right now, with a way to take it off. */
export function SpotlightCard(props: { room: StaffRoom }) {
  const question = createMemo(() => {
    props.room.version()
    const id = props.room.pub.stage().spotlightQuestionId
    return id ? (props.room.pub.question(id) ?? null) : null
  })
  return (
    <section class="panel spotlight-panel" aria-labelledby="spotlight-heading">
      <h2 id="spotlight-heading">On screen</h2>
      <Show
        when={question()}
        fallback={
          <p class="st-empty">
            No question on screen. Select one and press <kbd>s</kbd>, or use its “On screen” button.
          </p>
        }
      >
        {(q) => (
          <>
            <blockquote class="spotlight-text">
              <p dir="auto">{q().text}</p>
              <footer dir="auto">{authorLabel(q().authorName)}</footer>
            </blockquote>
            <button type="button" class="btn" onClick={() => clearSpotlight(props.room)}>
              Take off screen
            </button>
          </>
        )}
      </Show>
    </section>
  )
}
