import { REACTION_REFUSALS, REACTIONS, type ReactionId } from '@podium/shared'
import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js'
import { ReactionFloat, ReactionTally } from '../components/ReactionFloat.tsx'
import { watchReactions } from '../components/reaction-signals.ts'
import { useRoom } from './context.ts'
import { useLiveActions } from './live-actions.ts'

/** A press is held back this long after the last one, as the server allows about one a second. */
export const REACT_COOLDOWN_MS = 1_000

/** The six reactions, and the room's counts as they come in each second. */
export function ReactionBar() {
  const room = useRoom()
  const actions = useLiveActions()
  const view = watchReactions(actions.publicDoc)
  const [cooling, setCooling] = createSignal(false)
  const [note, setNote] = createSignal('')
  let timer: ReturnType<typeof setTimeout> | undefined
  onCleanup(() => clearTimeout(timer))
  createEffect(
    on(
      actions.reactionRefused,
      (refused) => {
        if (refused) setNote(REACTION_REFUSALS[refused.reason])
      },
      { defer: true },
    ),
  )
  const ended = () => {
    room.version()
    return room.public.meta().status === 'ended'
  }
  const send = (id: ReactionId) => {
    if (cooling()) return
    if (!actions.react(id)) {
      setNote('You are offline: reactions are sent only while connected.')
      return
    }
    setNote('')
    setCooling(true)
    clearTimeout(timer)
    timer = setTimeout(() => setCooling(false), REACT_COOLDOWN_MS)
  }
  return (
    <section class="card reactions" aria-labelledby="reactions-heading">
      <h2 id="reactions-heading">React</h2>
      <Show when={!ended()} fallback={<p class="hint">The session has ended.</p>}>
        <fieldset class="reaction-buttons">
          <legend class="visually-hidden">Send a reaction</legend>
          <For each={REACTIONS}>
            {(r) => (
              <button
                type="button"
                class="reaction-button"
                aria-label={r.label}
                title={r.label}
                aria-disabled={cooling() ? 'true' : undefined}
                onClick={() => send(r.id)}
              >
                <span aria-hidden="true">{r.emoji}</span>
              </button>
            )}
          </For>
        </fieldset>
      </Show>
      <ReactionFloat window={view.arrived()} />
      <ReactionTally window={view.latest()} totals={view.totals()} />
      <p class="hint" role="status" aria-live="polite">
        {note()}
      </p>
    </section>
  )
}
