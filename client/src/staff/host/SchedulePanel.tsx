import {
  type Schedule,
  ScheduleBody,
  Schedule as ScheduleSchema,
  SessionInfo,
} from '@podium/shared'
import { createMemo, createSignal, For, onMount, Show } from 'solid-js'
import { browserTimeZone, formatSchedule, timeZones } from '../../components/schedule.ts'
import { ApiError, api } from '../../lib/api.ts'
import type { StaffRoom } from '../model/room.ts'

export type ScheduleApi = Pick<typeof api, 'get' | 'put' | 'delete'>

const failure = (cause: unknown, doing: string) =>
  cause instanceof ApiError && cause.status !== 0
    ? cause.message
    : `Could not ${doing}: the server cannot be reached. Check the connection and try again.`

/**
 * When the session starts: a local date and time in a time zone (the browser's by default),
 * which the server turns into an instant, refusing a time the clocks skip. Followers are
 * reminded 24 hours and 15 minutes before.
 */
export function SchedulePanel(props: { room: StaffRoom; api?: ScheduleApi }) {
  const client = props.api ?? api
  const base = `/api/sessions/${encodeURIComponent(props.room.sessionId)}`
  const [schedule, setSchedule] = createSignal<Schedule | null>(null)
  const [loaded, setLoaded] = createSignal(false)
  const [local, setLocal] = createSignal('')
  const [zone, setZone] = createSignal(browserTimeZone())
  const known = timeZones(browserTimeZone())
  // The session's own zone first when this browser does not know it.
  const zones = createMemo(() => (known.includes(zone()) ? known : [zone(), ...known]))
  const [busy, setBusy] = createSignal(false)
  const [result, setResult] = createSignal<{ ok: boolean; text: string } | null>(null)

  const show = (next: Schedule | null) => {
    setSchedule(next)
    if (next) {
      setLocal(next.local)
      setZone(next.timeZone)
    }
  }

  const load = async () => {
    try {
      const info = await client.get(base, props.room.token, SessionInfo)
      show(info.schedule ?? null)
      setLoaded(true)
    } catch (cause) {
      setResult({ ok: false, text: failure(cause, 'read the start time') })
    }
  }
  onMount(() => void load())

  const save = async (event: SubmitEvent) => {
    event.preventDefault()
    const parsed = ScheduleBody.safeParse({ startsAt: local(), timeZone: zone() })
    if (!parsed.success) {
      setResult({ ok: false, text: 'Choose a date and a time for the start.' })
      return
    }
    setBusy(true)
    setResult(null)
    try {
      const saved = await client.put(
        `${base}/schedule`,
        parsed.data,
        props.room.token,
        ScheduleSchema,
      )
      show(saved)
      setResult({ ok: true, text: `The session starts ${formatSchedule(saved)}.` })
    } catch (cause) {
      setResult({ ok: false, text: failure(cause, 'set the start time') })
    } finally {
      setBusy(false)
    }
  }

  const clear = async () => {
    setBusy(true)
    setResult(null)
    try {
      await client.delete(`${base}/schedule`, props.room.token)
      show(null)
      setLocal('')
      setResult({ ok: true, text: 'The start time is cleared; no reminders are sent.' })
    } catch (cause) {
      setResult({ ok: false, text: failure(cause, 'clear the start time') })
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="panel schedule" aria-labelledby="schedule-heading">
      <h2 id="schedule-heading">Start time</h2>
      <Show when={loaded()}>
        <p>
          {schedule()
            ? `Starts ${formatSchedule(schedule()!)}.`
            : 'No start time yet. Set one, and people who follow the session get reminders.'}
        </p>
      </Show>
      <form class="schedule-form" onSubmit={save} novalidate>
        <label class="st-field">
          <span>Date and time</span>
          <input
            type="datetime-local"
            name="startsAt"
            value={local()}
            onInput={(e) => setLocal(e.currentTarget.value.slice(0, 16))}
          />
        </label>
        <label class="st-field">
          <span>Time zone</span>
          <select name="timeZone" value={zone()} onChange={(e) => setZone(e.currentTarget.value)}>
            <For each={zones()}>
              {(name) => (
                <option value={name} selected={name === zone()}>
                  {name.replace(/_/g, ' ')}
                </option>
              )}
            </For>
          </select>
        </label>
        <div class="row">
          <button type="submit" class="btn btn-primary" disabled={busy()} aria-busy={busy()}>
            {busy() ? 'Saving…' : schedule() ? 'Change start time' : 'Set start time'}
          </button>
          <Show when={schedule()}>
            <button type="button" class="btn btn-quiet" disabled={busy()} onClick={clear}>
              Clear
            </button>
          </Show>
        </div>
      </form>
      <p class="st-hint">
        Followers get a reminder 24 hours and 15 minutes before, by e-mail, browser or SMS as each
        has chosen.
      </p>
      <Show when={result()}>
        {(r) => (
          <p class={r().ok ? 'success' : 'error'} role={r().ok ? 'status' : 'alert'}>
            {r().text}
          </p>
        )}
      </Show>
    </section>
  )
}
