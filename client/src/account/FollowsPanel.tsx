import {
  FollowBody,
  type FollowedSession,
  FollowedSession as FollowedSessionSchema,
  FollowList,
} from '@podium/shared'
import { createResource, createSignal, For, Show } from 'solid-js'
import { createAction } from '../components/action.ts'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import { formatSchedule } from '../components/schedule.ts'
import type { AccountAuth } from '../lib/account.ts'
import type { Api } from '../lib/api.ts'

/**
 * Sessions the account follows, to be reminded 24 hours and 15 minutes before they start:
 * follow one by its code, or stop following.
 */
export function FollowsPanel(props: { api: Api; auth: AccountAuth }) {
  const [list, { refetch }] = createResource(async () =>
    props.api.get('/me/follows', await props.auth.accessToken(), FollowList),
  )
  const [code, setCode] = createSignal('')

  const { busy, error, done, setError, setDone, run: act } = createAction({ after: refetch })

  const follow = (event: SubmitEvent) => {
    event.preventDefault()
    const parsed = FollowBody.safeParse({ code: code() })
    if (!parsed.success) {
      setDone(null)
      setError('Enter the code of the session, as the host shows it.')
      return
    }
    void act('follow', async () => {
      const followed = await props.api.post(
        '/me/follows',
        parsed.data,
        await props.auth.accessToken(),
        FollowedSessionSchema,
      )
      setCode('')
      return followed.schedule
        ? `You follow “${followed.title}”. Reminders come before it starts.`
        : `You follow “${followed.title}”. It has no start time yet; reminders come once the host sets one.`
    })
  }

  const unfollow = (session: FollowedSession) =>
    act(session.sessionId, async () => {
      await props.api.delete(
        `/me/follows/${encodeURIComponent(session.sessionId)}`,
        await props.auth.accessToken(),
      )
      return `You no longer follow “${session.title}”.`
    })

  return (
    <section class="card" aria-labelledby="follows-heading">
      <h2 id="follows-heading">Sessions you follow</h2>
      <p class="hint">
        You get a reminder 24 hours and 15 minutes before each starts, by the channels chosen under
        Notifications.
      </p>
      <Show
        when={list.error ? null : list()}
        fallback={
          <Show
            when={list.error}
            fallback={
              <p class="hint" aria-busy="true">
                Loading…
              </p>
            }
          >
            <ErrorNotice
              message={`The sessions you follow could not be loaded. ${messageOf(list.error)}`}
            />
          </Show>
        }
      >
        {(loaded) => (
          <Show
            when={loaded().follows.length > 0}
            fallback={<p>None yet. Choose “Remind me” in a session, or enter its code below.</p>}
          >
            <ul class="plain-list session-list">
              <For each={loaded().follows}>
                {(session) => (
                  <li class="session-row">
                    <div class="session-main">
                      <h3 class="session-title">{session.title}</h3>
                      <p class="session-meta">
                        <span>
                          {session.schedule
                            ? `Starts ${formatSchedule(session.schedule)}`
                            : 'No start time set yet'}
                        </span>
                        <span>
                          Code <span class="join-code-inline">{session.code}</span>
                        </span>
                      </p>
                    </div>
                    <div class="session-actions">
                      <button
                        type="button"
                        class="button"
                        disabled={busy() !== null}
                        aria-label={`Stop following ${session.title}`}
                        onClick={() => void unfollow(session)}
                      >
                        {busy() === session.sessionId ? 'Stopping…' : 'Stop following'}
                      </button>
                    </div>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
      <form class="inline-form" onSubmit={follow} novalidate>
        <label class="field">
          <span>Follow a session by its code</span>
          <input
            name="follow-code"
            value={code()}
            onInput={(e) => setCode(e.currentTarget.value)}
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
          />
        </label>
        <button class="button" type="submit" disabled={busy() !== null}>
          {busy() === 'follow' ? 'Following…' : 'Follow'}
        </button>
      </form>
      <ErrorNotice message={error()} />
      <Show when={done()}>
        <p class="notice notice-ok" role="status">
          {done()}
        </p>
      </Show>
    </section>
  )
}
