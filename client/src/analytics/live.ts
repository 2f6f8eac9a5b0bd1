import { AnalyticsLive } from '@podium/shared'
import { followEventStream, type StreamState } from '../lib/event-stream.ts'

/**
 * The live figures of a session, read from its server-sent event stream
 * (`GET /api/sessions/<id>/analytics/live`). The server pushes them when analytics has
 * recorded events, at most once a second; nothing is polled (see lib/event-stream.ts for
 * the reading, the reopening and the refusal).
 */

export { parseSse, type SseEvent } from '../lib/event-stream.ts'
export type LiveState = StreamState

export interface LiveOptions {
  sessionId: string
  token: () => string | Promise<string>
  onFigures: (figures: AnalyticsLive) => void
  onState?: (state: LiveState, detail?: string) => void
  fetch?: typeof fetch
  /** The first wait before opening the stream again; doubles up to 30 s. */
  retryMs?: number
}

/** Opens the stream and keeps it open; returns the way to close it. */
export function watchLive(options: LiveOptions): () => void {
  const { onFigures, sessionId, ...rest } = options
  return followEventStream({
    ...rest,
    path: `/api/sessions/${encodeURIComponent(sessionId)}/analytics/live`,
    // Figures that read are what show the stream works.
    onEvents: (events) => {
      let read = false
      for (const e of events) {
        if (e.event !== 'figures') continue
        const figures = AnalyticsLive.safeParse(JSON.parse(e.data))
        if (!figures.success) continue
        read = true
        onFigures(figures.data)
      }
      return read
    },
  })
}
