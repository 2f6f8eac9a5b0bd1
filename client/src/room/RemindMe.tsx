import { FollowedSession, FollowList, SessionInfo } from '@podium/shared'
import { A } from '@solidjs/router'
import { createResource, createSignal, Match, Show, Switch } from 'solid-js'
import { paths } from '../app/paths.ts'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import { formatSchedule } from '../components/schedule.ts'
import { type AccountAuth, accountAuth } from '../lib/account.ts'
import { type Api, api as defaultApi } from '../lib/api.ts'

/**
 * When a session is scheduled to start: the time in the host's zone, and "Remind me" for
 * whoever is signed in (reminders come 24 hours and 15 minutes before); a visitor who is
 * not is told that signing in gets them.
 */
export function RemindMe(props: {
  sessionId: string
  token: string
  api?: Api
  auth?: AccountAuth
}) {
  const api = props.api ?? defaultApi
  const auth = props.auth ?? accountAuth()
  void auth.start()
  const [info] = createResource(() =>
    api.get(`/sessions/${encodeURIComponent(props.sessionId)}`, props.token, SessionInfo),
  )
  const signedIn = () => auth.state().status === 'signed-in'
  const [following, { mutate }] = createResource(signedIn, async () => {
    const { follows } = await api.get('/me/follows', await auth.accessToken(), FollowList)
    return follows.some((f) => f.sessionId === props.sessionId)
  })
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)

  const upcoming = () => {
    const session = info.error ? null : info()
    if (!session?.schedule || session.status === 'ended') return null
    return session.schedule.startsAt > Date.now()
      ? { ...session, schedule: session.schedule }
      : null
  }

  const change = async (follow: boolean) => {
    const session = upcoming()
    if (!session) return
    setBusy(true)
    setError(null)
    try {
      const token = await auth.accessToken()
      if (follow) await api.post('/me/follows', { code: session.code }, token, FollowedSession)
      else await api.delete(`/me/follows/${encodeURIComponent(props.sessionId)}`, token)
      mutate(follow)
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Show when={upcoming()}>
      {(session) => (
        <section class="card remind" aria-labelledby="remind-heading">
          <h2 id="remind-heading" class="remind-when">
            Starts {formatSchedule(session().schedule)}
          </h2>
          <Switch>
            <Match when={!signedIn() && auth.state().status === 'signed-out'}>
              <p class="hint">
                <A href={paths.signIn(paths.room(props.sessionId))}>Sign in</A> to get a reminder by
                e-mail or in your browser before it starts.
              </p>
            </Match>
            <Match when={signedIn() && following.error}>
              <ErrorNotice
                message={`Reminders could not be checked. ${messageOf(following.error)}`}
              />
            </Match>
            <Match when={signedIn() && following() === true}>
              <p class="remind-row">
                <span role="status">
                  You get a reminder 24 hours and 15 minutes before it starts.
                </span>
                <button
                  type="button"
                  class="link-button"
                  disabled={busy()}
                  onClick={() => void change(false)}
                >
                  Stop reminders
                </button>
              </p>
            </Match>
            <Match when={signedIn() && following() === false}>
              <p class="remind-row">
                <button
                  type="button"
                  class="button button-primary"
                  disabled={busy()}
                  onClick={() => void change(true)}
                >
                  {busy() ? 'Saving…' : 'Remind me'}
                </button>
                <span class="hint">24 hours and 15 minutes before it starts.</span>
              </p>
            </Match>
          </Switch>
          <ErrorNotice message={error()} />
        </section>
      )}
    </Show>
  )
}
