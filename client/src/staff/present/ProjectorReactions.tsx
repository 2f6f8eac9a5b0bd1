import { type CalledOn, calledOn } from '@podium/shared'
import { createSignal, onCleanup, Show } from 'solid-js'
import type * as Y from 'yjs'
import { ReactionFloat, ReactionTally } from '../../components/ReactionFloat.tsx'
import { watchReactions } from '../../components/reaction-signals.ts'

/** How long the projector names the person called on. */
const CALLED_SHOWN_MS = 60_000

/**
 * The room's reactions on the projector (emoji rising each second, the counts beside them)
 * and, for a minute after staff call on someone, who has the floor.
 */
export function ProjectorReactions(props: { doc: Y.Doc; now: () => number }) {
  const view = watchReactions(props.doc)
  const map = props.doc.getMap('calledOn')
  const [called, setCalled] = createSignal<CalledOn | null>(calledOn(props.doc))
  const onCalled = () => setCalled(calledOn(props.doc))
  map.observe(onCalled)
  const [now, setNow] = createSignal(props.now())
  const tick = setInterval(() => setNow(props.now()), 5_000)
  onCleanup(() => {
    map.unobserve(onCalled)
    clearInterval(tick)
  })
  const recent = () => {
    const c = called()
    return c && Math.max(now(), c.at) - c.at < CALLED_SHOWN_MS ? c : null
  }
  return (
    <section class="projector-reactions" aria-label="Reactions">
      <Show when={recent()}>
        {(c) => (
          <p class="projector-called">
            <span aria-hidden="true">{'✋ '}</span>
            {c().name ?? 'An attendee'} has the floor
            {c().toStage ? ' and is invited to the stage' : ''}
          </p>
        )}
      </Show>
      <ReactionFloat window={view.arrived()} />
      <ReactionTally window={view.latest()} totals={view.totals()} class="projector-tally" />
    </section>
  )
}
