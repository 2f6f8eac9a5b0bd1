import { AnalyticsLive } from '@podium/shared'
import { ApiError } from '../lib/api-error.ts'

/**
 * The live figures of a session, read from its server-sent event stream
 * (`GET /api/sessions/<id>/analytics/live`). The server pushes them when analytics has
 * recorded events, at most once a second; nothing is polled. An `EventSource` cannot send
 * the bearer token, so the stream is read with `fetch`, and a dropped stream is opened
 * again after a wait that grows up to 30 s (a refusal, 401 or 403, ends it).
 */

export type LiveState = 'connecting' | 'live' | 'retrying' | 'refused'

export interface LiveOptions {
  sessionId: string
  token: () => string | Promise<string>
  onFigures: (figures: AnalyticsLive) => void
  onState?: (state: LiveState, detail?: string) => void
  fetch?: typeof fetch
  /** The first wait before opening the stream again; doubles up to 30 s. */
  retryMs?: number
}

/** One event of a server-sent event stream. */
export interface SseEvent {
  event: string
  data: string
}

/**
 * Splits server-sent event text into events; returns them and what is left for the next
 * chunk (an event ends at a blank line). Comments and `retry:` lines carry no event.
 */
export function parseSse(buffer: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = []
  const text = buffer.replace(/\r\n?/g, '\n')
  let start = 0
  for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n', start)) {
    const block = text.slice(start, end)
    start = end + 2
    let event = 'message'
    const data: string[] = []
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'event') event = value
      else if (field === 'data') data.push(value)
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') })
  }
  return { events, rest: text.slice(start) }
}

const MAX_RETRY_MS = 30_000

/** Opens the stream and keeps it open; returns the way to close it. */
export function watchLive(options: LiveOptions): () => void {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const firstWait = options.retryMs ?? 1_000
  let wait = firstWait
  let stopped = false
  let controller: AbortController | null = null
  let timer: ReturnType<typeof setTimeout> | undefined

  const state = (s: LiveState, detail?: string) => {
    if (!stopped) options.onState?.(s, detail)
  }

  async function open(): Promise<void> {
    controller = new AbortController()
    state('connecting')
    const response = await doFetch(
      `/api/sessions/${encodeURIComponent(options.sessionId)}/analytics/live`,
      {
        headers: {
          accept: 'text/event-stream',
          authorization: `Bearer ${await options.token()}`,
        },
        signal: controller.signal,
      },
    )
    if (!response.ok) throw await ApiError.fromResponse(response)
    const body = response.body
    if (!body) throw new ApiError(response.status, 'No stream', 'The live stream sent nothing.')
    state('live')
    const reader = body.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      const { events, rest } = parseSse(buffer + value)
      buffer = rest
      for (const e of events) {
        if (e.event !== 'figures') continue
        const figures = AnalyticsLive.safeParse(JSON.parse(e.data))
        if (figures.success) {
          wait = firstWait
          options.onFigures(figures.data)
        }
      }
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
          state('refused', error.message)
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
