import { CheckpointSummary, RestoreResponse } from '@podium/shared'
import {
  createEffect,
  createMemo,
  createResource,
  createSignal,
  For,
  on,
  onCleanup,
  Show,
} from 'solid-js'
import { z } from 'zod'
import { ApiError, api } from '../../lib/api.ts'
import type { StaffRoom } from '../model/room.ts'

const Checkpoints = z.array(CheckpointSummary)
type Checkpoint = CheckpointSummary

const REASON_TEXT: Record<string, string> = {
  status: 'When the session status changed',
  agenda: 'When the agenda changed',
  interval: 'Saved automatically',
  manual: 'Saved by hand',
  'before-restore': 'Just before a restore',
}
const reasonText = (reason: string) => REASON_TEXT[reason] ?? reason

const message = (cause: unknown, fallback: string) =>
  cause instanceof ApiError ? cause.message : fallback

/** The server's checkpoints of the session, and restoring one (after confirming). */
export function HistoryPanel(props: { room: StaffRoom }) {
  const base = () => `/api/sessions/${encodeURIComponent(props.room.sessionId)}/checkpoints`
  const [list, { refetch }] = createResource(() =>
    api
      .get(base(), props.room.token, Checkpoints)
      .then((items) => [...items].sort((a, b) => b.createdAt - a.createdAt)),
  )
  // The server saves checkpoints when the status or the agenda changes: look again then.
  const milestones = createMemo(() => {
    props.room.version()
    const pub = props.room.pub
    return `${pub.meta().status}|${pub.agenda().length}|${pub.stage().currentItemId ?? ''}`
  })
  let later: ReturnType<typeof setTimeout> | undefined
  createEffect(
    on(
      milestones,
      () => {
        clearTimeout(later)
        later = setTimeout(() => void refetch(), 1_500)
      },
      { defer: true },
    ),
  )
  onCleanup(() => clearTimeout(later))
  /** The last list loaded, kept on screen while a newer one loads. */
  const shown = () => (list.error ? [] : (list.latest ?? []))
  const [confirming, setConfirming] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const [result, setResult] = createSignal<{ ok: boolean; text: string } | null>(null)

  const restore = async (checkpoint: Checkpoint) => {
    setBusy(true)
    setResult(null)
    try {
      await api.post(
        `${base()}/${encodeURIComponent(checkpoint.id)}/restore`,
        undefined,
        props.room.token,
        RestoreResponse,
      )
      setResult({
        ok: true,
        text: `Restored the session to ${new Date(checkpoint.createdAt).toLocaleString()}.`,
      })
      setConfirming(null)
      void refetch()
    } catch (cause) {
      setResult({ ok: false, text: message(cause, 'The restore failed. Try again.') })
    } finally {
      setBusy(false)
    }
  }

  const save = async () => {
    setBusy(true)
    setResult(null)
    try {
      await api.post(base(), undefined, props.room.token, CheckpointSummary)
      setResult({ ok: true, text: 'Saved a checkpoint of the session as it is now.' })
      void refetch()
    } catch (cause) {
      setResult({
        ok: false,
        text: message(cause, 'The checkpoint could not be saved. Try again.'),
      })
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="panel history" aria-labelledby="history-heading">
      <div class="panel-head">
        <h2 id="history-heading">Checkpoints</h2>
        <div class="row">
          <button type="button" class="btn" onClick={save} disabled={busy()}>
            Save one now
          </button>
          <button
            type="button"
            class="btn btn-quiet"
            onClick={() => void refetch()}
            disabled={list.loading}
          >
            Refresh
          </button>
        </div>
      </div>
      <Show
        when={!(list.loading && list.latest === undefined)}
        fallback={
          <p class="st-hint" role="status">
            Loading checkpoints…
          </p>
        }
      >
        <Show
          when={!list.error}
          fallback={
            <p class="error" role="alert">
              {message(list.error, 'Could not load the checkpoints.')} The list needs a connection
              to the server.
            </p>
          }
        >
          <Show
            when={shown().length > 0}
            fallback={
              <p class="st-empty">
                No checkpoints yet. The server saves them as the session goes on.
              </p>
            }
          >
            <ol class="checkpoints">
              <For each={shown()}>
                {(checkpoint) => (
                  <li>
                    <span>
                      <time datetime={new Date(checkpoint.createdAt).toISOString()}>
                        {new Date(checkpoint.createdAt).toLocaleString()}
                      </time>{' '}
                      <span class="st-hint">{reasonText(checkpoint.reason)}</span>
                    </span>
                    <Show
                      when={confirming() === checkpoint.id}
                      fallback={
                        <button
                          type="button"
                          class="btn"
                          onClick={() => setConfirming(checkpoint.id)}
                        >
                          Restore…
                        </button>
                      }
                    >
                      <fieldset class="confirm">
                        <legend>
                          Replace the session’s questions, agenda and settings with this checkpoint?
                          Everyone sees the change at once.
                        </legend>
                        <div class="row">
                          <button
                            type="button"
                            class="btn btn-danger"
                            disabled={busy()}
                            onClick={() => restore(checkpoint)}
                          >
                            {busy() ? 'Restoring…' : 'Restore'}
                          </button>
                          <button type="button" class="btn" onClick={() => setConfirming(null)}>
                            Cancel
                          </button>
                        </div>
                      </fieldset>
                    </Show>
                  </li>
                )}
              </For>
            </ol>
          </Show>
        </Show>
      </Show>
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
