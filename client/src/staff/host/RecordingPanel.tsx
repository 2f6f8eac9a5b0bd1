import {
  RecordingDoc,
  type RecordingInfo,
  RecordingInfo as RecordingInfoSchema,
  RecordingsResponse,
} from '@podium/shared'
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
import { RecordingBadge } from '../../components/RecordingBadge.tsx'
import { ApiError, api } from '../../lib/api.ts'
import type { StaffRoom } from '../model/room.ts'

const STATUS_TEXT: Record<RecordingInfo['status'], string> = {
  recording: 'Recording…',
  processing: 'Processing…',
  ready: 'Ready',
  failed: 'Failed',
}

/** While one is recording or processing, the list is loaded again this often. */
const POLL_MS = 2_000

const message = (cause: unknown, fallback: string) =>
  cause instanceof ApiError ? cause.message : fallback

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000)
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = String(seconds % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

export function formatSize(bytes: number): string {
  if (bytes < 1_000_000) return `${Math.max(1, Math.round(bytes / 1000))} kB`
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}

/**
 * The host's recording of the stage: Record / Stop (Janus records what goes through the
 * SFU), and the session's recordings with their status, length and size, to play,
 * download or delete. Everyone in the room sees "Recording" while it is on.
 */
export function RecordingPanel(props: { room: StaffRoom }) {
  const base = () => `/api/sessions/${encodeURIComponent(props.room.sessionId)}`
  const recording = createMemo(() => {
    props.room.version()
    return new RecordingDoc(props.room.pub.doc).flag().on
  })
  const [list, { refetch }] = createResource(() =>
    api.get(`${base()}/recordings`, props.room.token, RecordingsResponse),
  )
  const shown = () => (list.error ? [] : (list.latest?.recordings ?? []))
  const busyRows = () => shown().some((r) => r.status === 'recording' || r.status === 'processing')
  // The flag changes (here or from another console): the list follows.
  createEffect(on(recording, () => void refetch(), { defer: true }))
  let poll: ReturnType<typeof setTimeout> | undefined
  createEffect(() => {
    clearTimeout(poll)
    if (busyRows()) poll = setTimeout(() => void refetch(), POLL_MS)
  })
  onCleanup(() => clearTimeout(poll))

  const [busy, setBusy] = createSignal(false)
  const [problem, setProblem] = createSignal<string | null>(null)
  const [confirming, setConfirming] = createSignal<string | null>(null)
  const [playing, setPlaying] = createSignal<string | null>(null)

  const act = async (run: () => Promise<unknown>, fallback: string) => {
    setBusy(true)
    setProblem(null)
    try {
      await run()
      void refetch()
    } catch (cause) {
      setProblem(message(cause, fallback))
    } finally {
      setBusy(false)
    }
  }
  const start = () =>
    act(
      () => api.post(`${base()}/recording`, undefined, props.room.token, RecordingInfoSchema),
      'The recording did not start. Try again.',
    )
  const stop = () =>
    act(
      () => api.delete(`${base()}/recording`, props.room.token, RecordingInfoSchema),
      'The recording did not stop. Try again.',
    )
  const remove = (id: string) =>
    act(async () => {
      await api.delete(`${base()}/recordings/${encodeURIComponent(id)}`, props.room.token)
      setConfirming(null)
      if (playing() === id) setPlaying(null)
    }, 'The recording was not deleted. Try again.')

  return (
    <section class="panel recordings" aria-labelledby="recordings-heading">
      <div class="panel-head">
        <h2 id="recordings-heading">Recording</h2>
        <div class="row">
          <RecordingBadge doc={props.room.pub.doc} version={props.room.version} />
          <Show
            when={recording()}
            fallback={
              <button type="button" class="btn btn-primary" disabled={busy()} onClick={start}>
                Record the stage
              </button>
            }
          >
            <button type="button" class="btn btn-danger" disabled={busy()} onClick={stop}>
              Stop recording
            </button>
          </Show>
        </div>
      </div>
      <p class="st-hint">
        Records what is on the stage through the media server. Everyone in the room sees that it is
        being recorded.
        <Show when={list.latest}>
          {(l) => ` Recordings are deleted after ${l().retentionDays} days.`}
        </Show>
      </p>
      <Show when={problem()}>
        {(text) => (
          <p class="error" role="alert">
            {text()}
          </p>
        )}
      </Show>
      <Show
        when={!list.error}
        fallback={
          <p class="error" role="alert">
            {message(list.error, 'Could not load the recordings.')}
          </p>
        }
      >
        <Show when={shown().length > 0} fallback={<p class="st-empty">No recordings yet.</p>}>
          <ol class="recording-list" aria-label="Recordings">
            <For each={shown()}>
              {(r) => (
                <li data-testid="recording-row" data-status={r.status}>
                  <div class="recording-facts">
                    <time datetime={new Date(r.startedAt).toISOString()}>
                      {new Date(r.startedAt).toLocaleString()}
                    </time>
                    <span class={`recording-status status-${r.status}`}>
                      {STATUS_TEXT[r.status]}
                    </span>
                    <Show when={r.durationMs !== null}>
                      <span>{formatDuration(r.durationMs ?? 0)}</span>
                    </Show>
                    <Show when={r.sizeBytes !== null}>
                      <span>{formatSize(r.sizeBytes ?? 0)}</span>
                    </Show>
                  </div>
                  <Show when={r.error}>{(error) => <p class="error">{error()}</p>}</Show>
                  <div class="row">
                    <Show when={r.url}>
                      {(url) => (
                        <>
                          <button
                            type="button"
                            class="btn"
                            onClick={() => setPlaying(playing() === r.id ? null : r.id)}
                          >
                            {playing() === r.id ? 'Close player' : 'Play'}
                          </button>
                          <a class="btn" href={url()} download="">
                            Download
                          </a>
                        </>
                      )}
                    </Show>
                    <Show when={r.status !== 'recording'}>
                      <Show
                        when={confirming() === r.id}
                        fallback={
                          <button type="button" class="btn" onClick={() => setConfirming(r.id)}>
                            Delete…
                          </button>
                        }
                      >
                        <fieldset class="confirm">
                          <legend>Delete this recording for good?</legend>
                          <div class="row">
                            <button
                              type="button"
                              class="btn btn-danger"
                              disabled={busy()}
                              onClick={() => remove(r.id)}
                            >
                              Delete
                            </button>
                            <button type="button" class="btn" onClick={() => setConfirming(null)}>
                              Cancel
                            </button>
                          </div>
                        </fieldset>
                      </Show>
                    </Show>
                  </div>
                  <Show when={playing() === r.id && r.url}>
                    {(url) => (
                      <video
                        class="recording-player"
                        src={url()}
                        controls
                        preload="auto"
                        // Opened with the Play button: it starts once it can.
                        onCanPlay={(event) => {
                          if (!event.currentTarget.dataset.started) {
                            event.currentTarget.dataset.started = '1'
                            void event.currentTarget.play().catch(() => undefined)
                          }
                        }}
                      />
                    )}
                  </Show>
                </li>
              )}
            </For>
          </ol>
        </Show>
      </Show>
    </section>
  )
}
