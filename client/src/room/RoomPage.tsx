import { A, useParams } from '@solidjs/router'
import { createEffect, createMemo, createSignal, on, onCleanup, onMount, Show } from 'solid-js'
import { participantFromAccount } from '../account/participants.ts'
import { paths } from '../app/paths.ts'
import { accountAuth } from '../lib/account.ts'
import { api } from '../lib/api.ts'
import { loadIdentity, onIdentityChange } from '../lib/identity.ts'
import { openSession } from '../lib/session.ts'
import { RoomContext } from './context.ts'
import { LiveActionsContext } from './live-actions.ts'
import { fetchPreview } from './preview.ts'
import { Room } from './Room.tsx'

/** `/s/<sessionId>`: the attendee room, for whoever joined this session on this device. */
export default function RoomPage() {
  const params = useParams<{ sessionId: string }>()
  // A new connection only when who we are changes, not on every save of the same identity
  // (a renewed token is read by the open connection itself).
  const [identity, setIdentity] = createSignal(loadIdentity(params.sessionId ?? ''), {
    equals: (a, b) => a?.userId === b?.userId && a?.sessionId === b?.sessionId,
  })
  // Another tab joined (or left) this session: follow it.
  const unsubscribe = onIdentityChange((event) => {
    const sessionId = event.type === 'saved' ? event.identity.sessionId : event.sessionId
    if (sessionId === params.sessionId) setIdentity(loadIdentity(sessionId))
  })
  onCleanup(unsubscribe)
  createEffect(
    on(
      () => params.sessionId,
      (id) => setIdentity(loadIdentity(id ?? '')),
      { defer: true },
    ),
  )
  // Nothing stored here, but signed in: the account may be in this session already (joined
  // on another device), and it is the same participant here.
  const [looking, setLooking] = createSignal(!identity())
  onMount(() => {
    if (identity()) return
    void participantFromAccount(accountAuth(), params.sessionId ?? '', api)
      .then((found) => {
        if (found && !identity()) setIdentity(found)
      })
      .finally(() => setLooking(false))
  })
  const connection = createMemo(() => {
    const me = identity()
    if (!me) return null
    // Asked first, so the top of the list can come before the whole document does.
    const preview = fetchPreview(me)
    const conn = openSession(me, { view: 'room' })
    onCleanup(() => conn.destroy())
    return { conn, preview }
  })

  return (
    <Show
      when={connection()}
      keyed
      fallback={
        <main id="main" class="page page-narrow" aria-busy={looking() ? 'true' : 'false'}>
          <Show when={!looking()} fallback={<p class="page-loading">Opening the session…</p>}>
            <section class="card">
              <h1>You have not joined this session on this device</h1>
              <p>Ask the host for the session code or link, and join with it.</p>
              <p>
                <A class="button button-primary" href={paths.landing()}>
                  Join with a code
                </A>
              </p>
            </section>
          </Show>
        </main>
      }
    >
      {(opened) => (
        <RoomContext.Provider value={opened.conn}>
          <LiveActionsContext.Provider
            value={{
              react: (reaction) => opened.conn.react(reaction),
              reactionRefused: opened.conn.reactionRefused,
              publicDoc: opened.conn.public.doc,
              outboxDoc: opened.conn.outbox.doc,
            }}
          >
            <Room authError={opened.conn.authError()} preview={opened.preview()} />
          </LiveActionsContext.Provider>
        </RoomContext.Provider>
      )}
    </Show>
  )
}
