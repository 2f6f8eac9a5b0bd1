import { callNotice, HAND_ENTRY_ID, myHand, REJECT_MESSAGES, setHand } from '@podium/shared'
import { createSignal, onCleanup, Show } from 'solid-js'
import { derive, useRoom } from './context.ts'
import { useLiveActions } from './live-actions.ts'

/**
 * Raise or lower a hand: an entry in the outbox, so it works offline and reaches the staff
 * when the device reconnects. Says where it stands (sent, waiting, refused) and, once staff
 * call on this person, says so, with the way to the video stage when they were invited.
 */
export function HandButton() {
  const room = useRoom()
  const actions = useLiveActions()
  const raised = derive(room, () => myHand(actions.outboxDoc))
  const receipt = derive(room, () => {
    room.changes.outboxEntry(HAND_ENTRY_ID)
    return room.outbox.receipt(HAND_ENTRY_ID) ?? null
  })
  const synced = derive(room, () => {
    const entry = room.outbox.entry(HAND_ENTRY_ID)
    return !entry || receipt()?.seq === entry.seq
  })
  // The call notice is written by the server into this outbox's `call` map.
  const [call, setCall] = createSignal(callNotice(actions.outboxDoc))
  const map = actions.outboxDoc.getMap('call')
  const onCall = () => setCall(callNotice(actions.outboxDoc))
  map.observe(onCall)
  onCleanup(() => map.unobserve(onCall))
  const calledNow = () => {
    const c = call()
    return c !== null && raised() && c.at >= (receipt()?.at ?? 0)
  }

  return (
    <section class="card hand" aria-labelledby="hand-heading">
      <h2 id="hand-heading">Raise your hand</h2>
      <button
        type="button"
        class="button"
        classList={{ 'button-primary': !raised() }}
        aria-pressed={raised() ? 'true' : 'false'}
        onClick={() => setHand(actions.outboxDoc, !raised(), room.serverNow())}
      >
        <span aria-hidden="true">{'✋ '}</span>
        {raised() ? 'Lower my hand' : 'Raise my hand'}
      </button>
      <p class="hint" role="status" aria-live="polite">
        <Show when={raised() && !synced()}>
          Your hand will reach the staff when you are online.
        </Show>
        <Show when={raised() && synced() && receipt()?.status === 'accepted' && !calledNow()}>
          Your hand is up; the staff see it in their queue.
        </Show>
        <Show when={receipt()?.status === 'rejected' && synced()}>
          {REJECT_MESSAGES[receipt()?.reason ?? 'invalid']}
        </Show>
      </p>
      <Show when={calledNow() ? call() : null}>
        {(c) => (
          <div class="hand-called" role="alert">
            <p>
              <strong>You have been called on.</strong>
            </p>
            <Show when={c().stageInvite}>
              {(link) => (
                <p>
                  <a class="button button-primary" href={link()}>
                    Join the video stage
                  </a>
                </p>
              )}
            </Show>
          </div>
        )}
      </Show>
    </section>
  )
}
