import { ApiError } from './api-error.ts'

/**
 * A server-sent event stream of ours, read with `fetch` (an `EventSource` cannot send the
 * bearer token). A dropped stream is opened again after a wait that doubles up to 30 s;
 * a refusal (401, 403) ends it. The analytics figures and the notification log follow
 * their streams through here.
 */

export type StreamState = 'connecting' | 'live' | 'retrying' | 'refused'

/** One event of a server-sent event stream. */
export interface SseEvent {
  event: string
  data: string
}

export interface EventStreamOptions {
  /** The path under the site, such as `/api/sessions/<id>/analytics/live`. */
  path: string
  token: () => string | Promise<string>
  /**
   * The stream is open; returning true says it is healthy, so the next wait starts
   * from the first again.
   */
  onOpen?: () => boolean | undefined
  /** The events of one chunk read; returning true says the stream is healthy, as for `onOpen`. */
  onEvents: (events: SseEvent[]) => boolean | undefined
  onState?: (state: StreamState, detail?: string) => void
  fetch?: typeof fetch
  /** The first wait before opening the stream again; doubles up to 30 s. */
  retryMs?: number
}

const MAX_RETRY_MS = 30_000

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

/** Opens the stream and keeps it open; returns the way to close it. */
export function followEventStream(options: EventStreamOptions): () => void {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const firstWait = options.retryMs ?? 1_000
  let wait = firstWait
  let stopped = false
  let controller: AbortController | null = null
  let timer: ReturnType<typeof setTimeout> | undefined

  const state = (s: StreamState, detail?: string) => {
    if (!stopped) options.onState?.(s, detail)
  }
  const healthy = (yes: boolean | undefined) => {
    if (yes) wait = firstWait
  }

  async function open(): Promise<void> {
    controller = new AbortController()
    state('connecting')
    const response = await doFetch(options.path, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${await options.token()}` },
      signal: controller.signal,
    })
    if (!response.ok) throw await ApiError.fromResponse(response)
    if (!response.body) throw new ApiError(response.status, 'No stream', 'The stream sent nothing.')
    state('live')
    healthy(options.onOpen?.())
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      const { events, rest } = parseSse(buffer + value)
      buffer = rest
      if (events.length > 0) healthy(options.onEvents(events))
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
