import { ACCESS_REVOKED, type RoomPreview, SIGNED_OUT } from '@podium/shared'
import { createEffect, lazy, Show, Suspense, useContext } from 'solid-js'
import '../styles/room.css'
import { paths } from '../app/paths.ts'
import { registerServiceWorker } from '../app/service-worker.ts'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { RoomPolls } from '../polls/RoomPolls.tsx'
import { Announcer } from './Announcer.tsx'
import { AskBox } from './AskBox.tsx'
import { derive, useRoom } from './context.ts'
import { ExportButton } from './ExportButton.tsx'
import { HandButton } from './HandButton.tsx'
import { LiveActionsContext } from './live-actions.ts'
import { MyQuestions } from './MyQuestions.tsx'
import { PreviewList } from './PreviewList.tsx'
import { QuestionList } from './QuestionList.tsx'
import { ReactionBar } from './ReactionBar.tsx'
import { RemindMe } from './RemindMe.tsx'
import { RoomHeader } from './RoomHeader.tsx'
import { StagePanel } from './StagePanel.tsx'

// The video stage (PeerJS) loads after the room, so Q&A is ready without it. It has its
// own Suspense boundary: without one, its chunk suspends the layout's boundary and the
// whole room (the question list too) stays off the page until the chunk has loaded.
const Stage = lazy(() => import('../video/ui/Stage.tsx').then((m) => ({ default: m.Stage })))

/** Why the server refused the connection, in words a person can act on. */
export function authErrorText(reason: string | null): string | null {
  if (!reason) return null
  if (reason === 'token-expired')
    return 'Your access to this session has expired. Join again with the session code.'
  if (reason === 'session-not-found') return 'This session no longer exists.'
  if (reason === 'outbox-full')
    return 'You have reached the limit of contributions for this session; what you send now cannot be taken. Reload to keep reading.'
  if (reason === 'bad-frame' || reason === 'refused')
    return 'The server could not read what this device sent. Reload the page to go on.'
  if (reason === SIGNED_OUT)
    return 'You were signed out on this device, so the room stopped sending. What you wrote stays on this device; sign in again to send it.'
  if (reason === ACCESS_REVOKED)
    return 'The host has withdrawn your access to this session: your role, or your ticket (refunded). Join again with the session code.'
  return 'The server did not let this device into the session. Join again with the session code.'
}

/**
 * The attendee room. `preview` (the top of the list from the server) stands in for the
 * question list while the session's document loads on a first visit.
 */
export function Room(props: { authError: string | null; preview?: RoomPreview | null }) {
  const room = useRoom()
  // The room preview's tests mount the room without a live connection's actions.
  const live = useContext(LiveActionsContext)
  const ready = derive(room, () => room.synced() && room.public.ready)
  // The offline shell is installed once the session is on the page, not while it loads.
  createEffect(() => {
    if (ready()) setTimeout(registerServiceWorker, 1_000)
  })

  return (
    <>
      <RoomHeader fallbackTitle={props.preview?.title} />
      <main id="main" class="page room">
        <ErrorNotice message={authErrorText(props.authError)} />
        <Show when={props.authError === SIGNED_OUT}>
          <p>
            <a class="button button-primary" href={paths.signIn(window.location.pathname)}>
              Sign in again
            </a>
          </p>
        </Show>
        <Show
          when={ready()}
          fallback={
            <Show
              when={props.preview}
              fallback={
                <section class="card loading" aria-busy="true">
                  <p>Loading the session…</p>
                  <Show when={room.status() === 'offline'}>
                    <p class="hint">
                      You are offline, and this session has not been opened on this device before.
                      It will load when you are back online.
                    </p>
                  </Show>
                </section>
              }
            >
              {(preview) => <PreviewList preview={preview()} />}
            </Show>
          }
        >
          <RemindMe sessionId={room.identity.sessionId} token={room.identity.token} />
          <StagePanel />
          <RoomPolls />
          <Suspense>
            <Stage connection={room} />
          </Suspense>
          <Show when={live}>
            <ReactionBar />
            <HandButton />
          </Show>
          <AskBox />
          <MyQuestions />
          <QuestionList />
          <footer class="room-footer">
            <ExportButton />
          </footer>
          <Announcer />
        </Show>
      </main>
    </>
  )
}
