import { parseSse } from '../../analytics/live.ts'
import { ApiError } from '../../lib/api-error.ts'

export type LogStreamState = 'connecting' | 'live' | 'retrying' | 'refused'

export interface LogChangesOptions {
  sessionId: string
  token: () => string | Promise<string>
  /** The session's notifications changed: read the log again. */
  onChange: () => void
  onState?: (state: LogStreamState) => void
  fetch?: typeof fetch
  /** The first wait before opening the stream again; doubles up to 30 s. */
  retryMs?: number
}

const MAX_RETRY_MS = 30_000

/**
 * Follows `GET /api/sessions/<id>/notifications/live`, the stream that says when a
 * session's notifications changed (queued, sent, failed, retried, dead). Read with
 * `fetch` for the bearer token; a dropped stream is opened again after a wait that grows
 * up to 30 s, and each reopening reads the log again (changes may have come meanwhile).
 * A refusal (401, 403) ends it. Returns the way to close it.
 */
export function watchLogChanges(options: LogChangesOptions): () => void {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const firstWait = options.retryMs ?? 1_000
  let wait = firstWait
  let stopped = false
  let opened = false
  let controller: AbortController | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  const state = (s: LogStreamState) => {
    if (!stopped) options.onState?.(s)
  }

  async function open(): Promise<void> {
    controller = new AbortController()
    state('connecting')
    const response = await doFetch(
      `/api/sessions/${encodeURIComponent(options.sessionId)}/notifications/live`,
      {
        headers: { accept: 'text/event-stream', authorization: `Bearer ${await options.token()}` },
        signal: controller.signal,
      },
    )
    if (!response.ok) throw await ApiError.fromResponse(response)
    if (!response.body) throw new ApiError(response.status, 'No stream', 'The stream sent nothing.')
    state('live')
    wait = firstWait
    if (opened) options.onChange()
    opened = true
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      const { events, rest } = parseSse(buffer + value)
      buffer = rest
      if (events.some((e) => e.event === 'changed')) options.onChange()
    }
  }

  function run(): void {
    open()
      .then(
        () => null,
        (error: unknown) => error,
      )
      .then((error) => {
        if (stopped) return
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
          state('refused')
          return
        }
        state('retrying')
        timer = setTimeout(run, wait)
        wait = Math.min(MAX_RETRY_MS, wait * 2)
      })
  }
  run()
  return () => {
    stopped = true
    clearTimeout(timer)
    controller?.abort()
  }
}
