import { createSignal, For, Match, onCleanup, onMount, Show, Switch } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import { formatMoment, roleLabel, statusLabel } from '../account/format.ts'
import { homeFor } from '../app/paths.ts'
import type { AccountAuth } from '../lib/account.ts'
import type { Api } from '../lib/api.ts'
import { forgetIdentity, onIdentityChange } from '../lib/identity.ts'
import { isAccountBound } from '../lib/participant-token.ts'
import {
  byRoleThenTitle,
  checkSession,
  type DeviceSession,
  type SessionState,
  storedSessions,
} from './device-sessions.ts'

/**
 * "On this device": the sessions this browser hosts, helps run or attended, with their
 * state from the server (or the last one seen, offline), a link to open each, and a way to
 * forget one. Shows nothing on a device that holds none.
 */
export function DeviceSessions(props: {
  api: Api
  auth: Pick<AccountAuth, 'accessToken' | 'state'>
}) {
  // A store reconciled by id: a row that gets its state is updated in place, not made
  // again (a focused button keeps its focus).
  const [sessions, setSessions] = createStore<DeviceSession[]>(storedSessions())
  const update = (next: DeviceSession[]) =>
    setSessions(reconcile([...next].sort(byRoleThenTitle), { key: 'id' }))
  const [confirming, setConfirming] = createSignal<string | null>(null)
  const [forgotten, setForgotten] = createSignal<string | null>(null)

  const check = (list: DeviceSession[]) => {
    for (const known of list) {
      void checkSession({ ...known }, props.api, props.auth).then((checked) =>
        update(sessions.map((s) => (s.id === checked.id ? checked : { ...s }))),
      )
    }
  }
  onMount(() => check(sessions))
  // Another tab joined, created or forgot a session.
  const stop = onIdentityChange(() => {
    const fresh = storedSessions().map((found) => {
      const listed = sessions.find((s) => s.id === found.id)
      return listed ? { ...found, summary: listed.summary, state: listed.state } : found
    })
    update(fresh)
    check(fresh)
  })
  onCleanup(stop)

  const forget = (session: DeviceSession) => {
    forgetIdentity(session.identity.sessionId)
    setConfirming(null)
    setForgotten(titleOf(session))
    update(sessions.filter((s) => s.id !== session.id).map((s) => ({ ...s })))
  }

  return (
    <Show when={sessions.length > 0 || forgotten()}>
      <section class="card" aria-labelledby="device-sessions-heading">
        <h2 id="device-sessions-heading">
          On this device <span class="count">({sessions.length})</span>
        </h2>
        <p class="hint">Sessions this browser hosts, helps run or joined.</p>
        <Show when={forgotten()}>
          <p class="notice notice-ok" role="status">
            This device forgot “{forgotten()}”.
          </p>
        </Show>
        <ul class="plain-list session-list">
          <For each={sessions}>
            {(session) => (
              <li class="session-row" data-session={session.identity.sessionId}>
                <div class="session-main">
                  <h3 class="session-title" dir="auto">
                    {titleOf(session)}
                  </h3>
                  <p class="session-meta">
                    <StateLabel state={session.state} />
                    <span class="tag">{roleLabel(session.identity.role)}</span>
                    <Show when={session.summary}>
                      {(summary) => (
                        <span>
                          Code <span class="join-code-inline">{summary().code}</span>
                        </span>
                      )}
                    </Show>
                  </p>
                  <StateNote state={session.state} />
                </div>
                <div class="session-actions">
                  <Show when={session.state.kind !== 'deleted'}>
                    <a
                      class="button"
                      href={homeFor(session.identity.role, session.identity.sessionId)}
                      aria-label={`Open ${titleOf(session)}`}
                    >
                      Open
                    </a>
                  </Show>
                  <button
                    type="button"
                    class="link-button link-danger"
                    aria-label={`Forget ${titleOf(session)}`}
                    aria-expanded={confirming() === session.identity.sessionId}
                    onClick={() => setConfirming(session.identity.sessionId)}
                  >
                    Forget
                  </button>
                </div>
                <Show when={confirming() === session.identity.sessionId}>
                  <fieldset class="confirm forget-confirm">
                    <legend class="visually-hidden">Forget {titleOf(session)}?</legend>
                    <p>
                      Forget “{titleOf(session)}” on this device? The session goes on for everyone
                      else. {afterForgetting(session)}
                    </p>
                    <div class="button-row">
                      <button
                        type="button"
                        class="button button-danger"
                        onClick={() => forget(session)}
                      >
                        Forget it here
                      </button>
                      <button type="button" class="button" onClick={() => setConfirming(null)}>
                        Keep it
                      </button>
                    </div>
                  </fieldset>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  )
}

function titleOf(session: DeviceSession): string {
  return session.summary?.title ?? 'A session not opened here yet'
}

/** What forgetting costs, by role: how this person gets back in. */
function afterForgetting(session: DeviceSession): string {
  if (isAccountBound(session.identity)) return 'It stays on your account: sign in to open it again.'
  switch (session.identity.role) {
    case 'host':
      return 'To run it again on this device you will need its private host link.'
    case 'moderator':
    case 'presenter':
      return 'To help run it again you will need a new invite from the host.'
    case 'attendee':
      return 'Your questions stay in the session; to take part again, join with its code.'
    default: {
      const unknown: never = session.identity.role
      throw new Error(`unknown role ${String(unknown)}`)
    }
  }
}

function StateLabel(props: { state: SessionState }) {
  return (
    <Switch>
      <Match when={props.state.kind === 'deleted'}>
        <span class="pill pill-ended">Deleted</span>
      </Match>
      <Match when={props.state.kind === 'no-access'}>
        <span class="pill">No access</span>
      </Match>
      <Match when={stateStatus(props.state)}>
        {(status) => <span class={`pill pill-${status()}`}>{statusLabel(status())}</span>}
      </Match>
      <Match when={props.state.kind === 'checking'}>
        <span class="pill">Checking…</span>
      </Match>
      <Match when={true}>
        <span class="pill">State unknown</span>
      </Match>
    </Switch>
  )
}

function stateStatus(state: SessionState) {
  return state.kind === 'current' || state.kind === 'offline' || state.kind === 'checking'
    ? state.status
    : null
}

/** A line under the row when the state is not the server's answer of just now. */
function StateNote(props: { state: SessionState }) {
  const note = () => {
    const state = props.state
    switch (state.kind) {
      case 'checking':
      case 'current':
        return null
      case 'offline':
        return state.checkedAt === null
          ? 'Could not reach the server to check its state.'
          : `Could not reach the server: ${statusLabel(state.status ?? '').toLowerCase()} when last checked, ${formatMoment(state.checkedAt)}.`
      case 'deleted':
        return 'This session no longer exists; its host deleted it.'
      case 'no-access':
        return state.detail
      default: {
        const unknown: never = state
        throw new Error(`unknown state ${String(unknown)}`)
      }
    }
  }
  return (
    <Show when={note()}>
      <p class="session-note">{note()}</p>
    </Show>
  )
}
