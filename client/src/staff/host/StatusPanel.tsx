import type { SessionStatus } from '@podium/shared'
import { createMemo, createSignal, Match, Show, Switch } from 'solid-js'
import type { StaffRoom } from '../model/room.ts'

const EXPLAIN: Record<SessionStatus, string> = {
  draft: 'The session is not live yet. Attendees can join and look around.',
  live: 'The session is live.',
  ended: 'The session has ended. Attendees can read, but not ask or vote.',
}

/** Go live, end, or reopen the session. Ending asks first. */
export function StatusPanel(props: { room: StaffRoom }) {
  const status = createMemo(() => {
    props.room.version()
    return props.room.pub.meta().status
  })
  const [confirming, setConfirming] = createSignal(false)
  const set = (next: SessionStatus) => {
    props.room.pub.setMeta({ status: next })
    setConfirming(false)
  }
  return (
    <section class="panel status-panel" aria-labelledby="status-heading">
      <h2 id="status-heading">Session</h2>
      <p>{EXPLAIN[status()]}</p>
      <Switch>
        <Match when={status() === 'draft'}>
          <button type="button" class="btn btn-primary btn-large" onClick={() => set('live')}>
            Go live
          </button>
        </Match>
        <Match when={status() === 'live'}>
          <Show
            when={confirming()}
            fallback={
              <button type="button" class="btn btn-danger" onClick={() => setConfirming(true)}>
                End session…
              </button>
            }
          >
            <fieldset class="confirm">
              <legend>End the session for everyone? Attendees can no longer ask or vote.</legend>
              <div class="row">
                <button type="button" class="btn btn-danger" onClick={() => set('ended')}>
                  End session
                </button>
                <button type="button" class="btn" onClick={() => setConfirming(false)}>
                  Keep it live
                </button>
              </div>
            </fieldset>
          </Show>
        </Match>
        <Match when={status() === 'ended'}>
          <button type="button" class="btn" onClick={() => set('live')}>
            Reopen the session
          </button>
        </Match>
      </Switch>
    </section>
  )
}
