import { followEventStream, type StreamState } from '../../lib/event-stream.ts'

export type LogStreamState = StreamState

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

/**
 * Follows `GET /api/sessions/<id>/notifications/live`, the stream that says when a
 * session's notifications changed (queued, sent, failed, retried, dead), through
 * lib/event-stream.ts. Each reopening reads the log again (changes may have come
 * meanwhile). Returns the way to close it.
 */
export function watchLogChanges(options: LogChangesOptions): () => void {
  const { onChange, onState, sessionId, ...rest } = options
  let opened = false
  return followEventStream({
    ...rest,
    path: `/api/sessions/${encodeURIComponent(sessionId)}/notifications/live`,
    ...(onState ? { onState: (state) => onState(state) } : {}),
    onOpen: () => {
      if (opened) onChange()
      opened = true
      return true
    },
    onEvents: (events) => {
      if (events.some((e) => e.event === 'changed')) onChange()
      return false
    },
  })
}
