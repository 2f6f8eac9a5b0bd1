import { CreateSessionResponse, Limits, type MySession, MySessionsResponse } from '@podium/shared'
import { useNavigate } from '@solidjs/router'
import { createResource, createSignal, For, type JSX, Show } from 'solid-js'
import { AnalyticsDashboard } from '../analytics/AnalyticsDashboard.tsx'
import { homeFor } from '../app/paths.ts'
import { createAction } from '../components/action.ts'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import { type AccountAuth, type AccountInfo, accountAuth } from '../lib/account.ts'
import { type Api, api as defaultApi } from '../lib/api.ts'
import { forgetIdentity } from '../lib/identity.ts'
import { AccountHeader } from './AccountHeader.tsx'
import { ClaimGuests } from './ClaimGuests.tsx'
import { CompareSessions } from './CompareSessions.tsx'
import { formatDay, roleLabel, statusLabel } from './format.ts'
import { createOwnedSession, participantIn, storeHost } from './participants.ts'
import { RequireAccount } from './RequireAccount.tsx'
import './account.css'

/** `/me`: the sessions I host (create, open, duplicate, delete), help run, and attended. */
export default function MySessionsPage(props: { api?: Api; auth?: AccountAuth }) {
  const api = props.api ?? defaultApi
  const auth = props.auth ?? accountAuth()
  return (
    <>
      <AccountHeader auth={auth} showNotice={false} />
      <RequireAccount auth={auth}>
        {(account) => <MySessions api={api} auth={auth} account={account()} />}
      </RequireAccount>
    </>
  )
}

function MySessions(props: { api: Api; auth: AccountAuth; account: AccountInfo }) {
  const navigate = useNavigate()
  const { api, auth } = props
  const [sessions, { refetch }] = createResource(async () =>
    api.get('/me/sessions', await auth.accessToken(), MySessionsResponse),
  )
  const [title, setTitle] = createSignal('')
  const [confirming, setConfirming] = createSignal<string | null>(null)
  const [viewing, setViewing] = createSignal<MySession | null>(null)

  const { busy, error, done, setError, run: act } = createAction()

  const me = (session: MySession) => participantIn(auth, props.account.id, session, api)

  const create = (event: SubmitEvent) => {
    event.preventDefault()
    const value = title().trim()
    if (!value) {
      setError('Give your session a title.')
      return
    }
    void act('create', async () => {
      const host = await createOwnedSession(auth, value, api)
      navigate(homeFor('host', host.sessionId))
      return null
    })
  }

  const open = (session: MySession) =>
    act(`open:${session.id}`, async () => {
      const identity = await me(session)
      navigate(homeFor(identity.role, session.id))
      return null
    })

  const duplicate = (session: MySession) =>
    act(`duplicate:${session.id}`, async () => {
      const host = await me(session)
      const created = await api.post(
        `/sessions/${encodeURIComponent(session.id)}/duplicate`,
        undefined,
        host.token,
        CreateSessionResponse,
      )
      storeHost(created)
      await refetch()
      return `“${session.title}” was copied into a new draft session with the code ${created.code}.`
    })

  const remove = (session: MySession) =>
    act(`delete:${session.id}`, async () => {
      const host = await me(session)
      await api.delete(`/sessions/${encodeURIComponent(session.id)}`, host.token)
      forgetIdentity(session.id)
      setConfirming(null)
      await refetch()
      return `“${session.title}” was deleted.`
    })

  const listed = () => {
    const all = sessions()
    return new Set(all ? [...all.hosting, ...all.staff, ...all.attended].map((s) => s.id) : [])
  }

  return (
    <main id="main" class="page account-page">
      <div class="page-title">
        <h1>My sessions</h1>
        <p class="hint">Signed in as {props.account.email}</p>
      </div>
      <ErrorNotice message={error()} />
      <Show when={done()}>
        <p class="notice notice-ok" role="status">
          {done()}
        </p>
      </Show>

      <section class="card" aria-labelledby="create-heading">
        <h2 id="create-heading">Start a session</h2>
        <form class="inline-form" onSubmit={create} novalidate>
          <label class="field">
            <span>Session title</span>
            <input
              name="title"
              value={title()}
              onInput={(e) => setTitle(e.currentTarget.value)}
              maxLength={Limits.titleLength}
              autocomplete="off"
              required
            />
          </label>
          <button class="button button-primary" type="submit" disabled={busy() !== null}>
            {busy() === 'create' ? 'Creating…' : 'Create session'}
          </button>
        </form>
      </section>

      <ClaimGuests api={api} auth={auth} listed={listed()} onClaimed={() => void refetch()} />

      <Show
        when={sessions()}
        fallback={
          <Show
            when={sessions.error}
            fallback={
              <p class="page-loading" aria-busy="true">
                Loading your sessions…
              </p>
            }
          >
            <ErrorNotice
              message={`Your sessions could not be loaded. ${messageOf(sessions.error)}`}
            />
          </Show>
        }
      >
        {(mine) => (
          <>
            <SessionList
              id="hosting"
              title="Hosting"
              empty="You host no sessions yet. Start one above."
              sessions={mine().hosting}
              actions={(session) => (
                <>
                  <ActionButton
                    label="Open"
                    session={session}
                    primary
                    busy={busy()}
                    onClick={() => open(session)}
                  />
                  <ActionButton
                    label="Analytics"
                    session={session}
                    busy={busy()}
                    onClick={() => setViewing(session)}
                  />
                  <ActionButton
                    label="Duplicate"
                    session={session}
                    busy={busy()}
                    onClick={() => duplicate(session)}
                  />
                  <Show
                    when={confirming() === session.id}
                    fallback={
                      <ActionButton
                        label="Delete"
                        session={session}
                        danger
                        busy={busy()}
                        onClick={() => setConfirming(session.id)}
                      />
                    }
                  >
                    <fieldset class="confirm">
                      <legend class="visually-hidden">Delete {session.title}?</legend>
                      <p>
                        Delete “{session.title}” for everyone? Its questions, votes, history and
                        join code go with it. Download its export first if you need it.
                      </p>
                      <div class="button-row">
                        <button
                          type="button"
                          class="button button-danger"
                          disabled={busy() !== null}
                          onClick={() => remove(session)}
                        >
                          {busy() === `delete:${session.id}` ? 'Deleting…' : 'Delete session'}
                        </button>
                        <button type="button" class="button" onClick={() => setConfirming(null)}>
                          Keep it
                        </button>
                      </div>
                    </fieldset>
                  </Show>
                </>
              )}
            />
            <Show when={viewing()} keyed>
              {(session) => (
                <section class="card card-wide" aria-labelledby="analytics-heading">
                  <div class="card-head">
                    <h2
                      id="analytics-heading"
                      tabindex="-1"
                      ref={(el) => queueMicrotask(() => el.focus())}
                    >
                      Analytics of “{session.title}”
                    </h2>
                    <button type="button" class="button" onClick={() => setViewing(null)}>
                      Close
                    </button>
                  </div>
                  <AnalyticsDashboard
                    sessionId={session.id}
                    token={async () => (await me(session)).token}
                    canExport
                    api={api}
                    heading={false}
                  />
                </section>
              )}
            </Show>
            <CompareSessions api={api} auth={auth} sessions={mine().hosting} />
            <SessionList
              id="staff"
              title="Helping run"
              empty="No sessions where you moderate or present. Invites you accept signed in show up here."
              sessions={mine().staff}
              showRole
              actions={(session) => (
                <ActionButton
                  label="Open"
                  session={session}
                  primary
                  busy={busy()}
                  onClick={() => open(session)}
                />
              )}
            />
            <SessionList
              id="attended"
              title="Attended"
              empty="No sessions joined with this account yet. Join one with its code while signed in."
              sessions={mine().attended}
              actions={(session) => (
                <ActionButton
                  label="Open"
                  session={session}
                  primary
                  busy={busy()}
                  onClick={() => open(session)}
                />
              )}
            />
          </>
        )}
      </Show>
    </main>
  )
}

function SessionList(props: {
  id: string
  title: string
  empty: string
  sessions: MySession[]
  showRole?: boolean
  actions: (session: MySession) => JSX.Element
}) {
  return (
    <section class="card" aria-labelledby={`${props.id}-heading`}>
      <h2 id={`${props.id}-heading`}>
        {props.title} <span class="count">({props.sessions.length})</span>
      </h2>
      <Show when={props.sessions.length > 0} fallback={<p class="hint">{props.empty}</p>}>
        <ul class="plain-list session-list">
          <For each={props.sessions}>
            {(session) => (
              <li class="session-row">
                <div class="session-main">
                  <h3 class="session-title">{session.title}</h3>
                  <p class="session-meta">
                    <span class={`pill pill-${session.status}`}>{statusLabel(session.status)}</span>
                    <Show when={props.showRole}>
                      <span class="tag">{roleLabel(session.role)}</span>
                    </Show>
                    <span>
                      Code <span class="join-code-inline">{session.code}</span>
                    </span>
                    <span>
                      {props.id === 'hosting' ? 'Created' : 'Joined'}{' '}
                      {formatDay(props.id === 'hosting' ? session.createdAt : session.joinedAt)}
                    </span>
                  </p>
                </div>
                <div class="session-actions">{props.actions(session)}</div>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  )
}

/** A row's button: its visible label, and the session's title for screen readers. */
function ActionButton(props: {
  label: string
  session: MySession
  busy: string | null
  primary?: boolean
  danger?: boolean
  onClick: () => void
}) {
  const key = () => `${props.label.toLowerCase()}:${props.session.id}`
  return (
    <button
      type="button"
      class={
        props.danger
          ? 'link-button link-danger'
          : props.primary
            ? 'button button-primary'
            : 'button'
      }
      disabled={props.busy !== null}
      aria-busy={props.busy === key() ? 'true' : undefined}
      aria-label={`${props.label} ${props.session.title}`}
      onClick={() => props.onClick()}
    >
      {props.busy === key() ? `${props.label}…` : props.label}
    </button>
  )
}
