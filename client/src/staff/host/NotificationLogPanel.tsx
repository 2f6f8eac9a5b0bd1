import {
  type DeliveryStatus,
  type NotificationChannel,
  type SessionNotification,
  SessionNotificationList,
} from '@podium/shared'
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js'
import { ApiError, api } from '../../lib/api.ts'
import type { StaffRoom } from '../model/room.ts'
import { type LogStreamState, watchLogChanges } from './log-changes.ts'

export type NotificationLogApi = Pick<typeof api, 'get' | 'post'>

/** While the change stream is down, the log is read again this often instead. */
const FALLBACK_REFRESH_MS = 15_000

const STREAM_TEXT: Record<LogStreamState, string> = {
  connecting: 'Connecting for updates…',
  live: 'Updates as messages go out.',
  retrying: 'Updates paused; reconnecting…',
  refused: 'Updates unavailable; use Refresh.',
}

const KIND_TEXT: Record<SessionNotification['kind'], string> = {
  'sign-in': 'Sign-in link',
  'phone-code': 'Phone code',
  invite: 'Invitation',
  answered: 'Question answered',
  reminder: 'Reminder',
  summary: 'Summary',
  ticket: 'Ticket receipt',
  billing: 'Billing',
  alert: 'Analytics alert',
}
const CHANNEL_TEXT: Record<NotificationChannel, string> = {
  email: 'E-mail',
  push: 'Browser',
  sms: 'SMS',
}
const STATUS_TEXT: Record<DeliveryStatus, string> = {
  queued: 'Waiting',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed, will retry',
  dead: 'Gave up',
}
const STATUS_BADGE: Record<DeliveryStatus, string> = {
  queued: 'st-badge-muted',
  sending: 'st-badge-muted',
  sent: 'st-badge-ok',
  failed: 'st-badge-warn',
  dead: 'st-badge-danger',
}

const when = (at: number) =>
  new Date(at).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })

const failure = (cause: unknown, doing: string) =>
  cause instanceof ApiError && cause.status !== 0
    ? cause.message
    : `Could not ${doing}: the server cannot be reached. Check the connection and try again.`

/**
 * What the session sent (invitations, reminders, answers, the summary): to whom (masked),
 * by which channel, and what became of it; a failed or dead one can be tried again.
 */
export function NotificationLogPanel(props: {
  room: StaffRoom
  api?: NotificationLogApi
  /** For the change stream (tests hand in their own). */
  fetch?: typeof fetch
}) {
  const client = props.api ?? api
  const base = `/api/sessions/${encodeURIComponent(props.room.sessionId)}/notifications`
  const [rows, setRows] = createSignal<SessionNotification[] | null>(null)
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal<string | null>(null)
  const [done, setDone] = createSignal<string | null>(null)

  const refresh = async () => {
    try {
      const list = await client.get(base, props.room.token, SessionNotificationList)
      setRows(list.notifications)
      setError(null)
    } catch (cause) {
      setError(failure(cause, 'read what was sent'))
    }
  }
  // Live: the server says when the session's rows change, and the log is read again then.
  const [stream, setStream] = createSignal<LogStreamState>('connecting')
  onMount(() => {
    void refresh()
    const stop = watchLogChanges({
      sessionId: props.room.sessionId,
      token: () => props.room.token,
      onChange: () => void refresh(),
      onState: setStream,
      ...(props.fetch ? { fetch: props.fetch } : {}),
    })
    onCleanup(stop)
  })
  const timer = setInterval(() => {
    if (stream() !== 'live') void refresh()
  }, FALLBACK_REFRESH_MS)
  onCleanup(() => clearInterval(timer))

  const retry = async (row: SessionNotification) => {
    setBusy(row.id)
    setDone(null)
    try {
      await client.post(`${base}/${encodeURIComponent(row.id)}/retry`, undefined, props.room.token)
      setDone(`The ${KIND_TEXT[row.kind].toLowerCase()} to ${row.to} is queued again.`)
      await refresh()
    } catch (cause) {
      setError(failure(cause, 'try it again'))
    } finally {
      setBusy(null)
    }
  }

  return (
    <section class="panel notification-log" aria-labelledby="notification-log-heading">
      <div class="panel-head">
        <h2 id="notification-log-heading">Notifications sent</h2>
        <button type="button" class="btn btn-quiet" onClick={() => void refresh()}>
          Refresh
        </button>
      </div>
      <p class="st-hint log-live" data-state={stream()}>
        {STREAM_TEXT[stream()]}
      </p>
      <Show when={error()}>
        {(message) => (
          <p class="error" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <Show
        when={rows()}
        fallback={<p class="st-hint">{error() ? '' : 'Loading what was sent…'}</p>}
      >
        {(list) => (
          <Show
            when={list().length > 0}
            fallback={
              <p class="st-empty">
                Nothing sent yet. Invitations by e-mail, reminders and answers show up here.
              </p>
            }
          >
            <ul class="log-list">
              <For each={list()}>
                {(row) => (
                  <li data-status={row.status}>
                    <div class="log-main">
                      <span class="log-what">
                        <strong>{KIND_TEXT[row.kind]}</strong> · {CHANNEL_TEXT[row.channel]} to{' '}
                        {row.to}
                      </span>
                      <span class={`st-badge ${STATUS_BADGE[row.status]}`}>
                        {STATUS_TEXT[row.status]}
                      </span>
                    </div>
                    <p class="log-detail">
                      Queued {when(row.createdAt)}
                      {row.sentAt ? ` · sent ${when(row.sentAt)}` : ''}
                      {row.attempts > 0 && row.status !== 'sent'
                        ? ` · ${row.attempts} ${row.attempts === 1 ? 'attempt' : 'attempts'}`
                        : ''}
                      {row.nextAttemptAt ? ` · next try ${when(row.nextAttemptAt)}` : ''}
                    </p>
                    <Show when={row.lastError && row.status !== 'sent'}>
                      <p class="log-error">{row.lastError}</p>
                    </Show>
                    <Show when={row.status === 'failed' || row.status === 'dead'}>
                      <button
                        type="button"
                        class="btn btn-small"
                        disabled={busy() !== null}
                        aria-label={`Retry the ${KIND_TEXT[row.kind].toLowerCase()} to ${row.to}`}
                        onClick={() => void retry(row)}
                      >
                        {busy() === row.id ? 'Retrying…' : 'Retry'}
                      </button>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
      <Show when={done()}>
        <p class="success" role="status">
          {done()}
        </p>
      </Show>
    </section>
  )
}
