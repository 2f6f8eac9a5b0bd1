import type { Logger } from 'pino'
import type { StageCheck } from '../peer/server.ts'

/** How long the sync-server may take to say whether a session has a video stage. */
const TIMEOUT_MS = 3000

const UNCHECKED =
  "The video stage could not be checked against the host's plan just now; try again in a moment."

/**
 * The video stage's plan check for a signal-server running as its own service: the
 * sync-server owns billing (its Stripe keys and the plans table), so the signal-server asks
 * it (`GET /api/sessions/:id/video-stage`) with the publisher's own token, and passes its
 * refusal on in its words. When the answer does not come, the stage is refused: a plan
 * limit that lapses whenever the sync-server is slow would not be one.
 */
export function stageFromSyncServer(syncServerUrl: string, log: Logger): StageCheck {
  const base = syncServerUrl.replace(/\/$/, '')
  return async (sessionId, token) => {
    try {
      const response = await fetch(
        `${base}/api/sessions/${encodeURIComponent(sessionId)}/video-stage`,
        {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          signal: AbortSignal.timeout(TIMEOUT_MS),
        },
      )
      if (response.ok) return null
      const problem = (await response.json().catch(() => ({}))) as { detail?: unknown }
      if (response.status < 500 && typeof problem.detail === 'string') return problem.detail
      log.warn({ sessionId, status: response.status }, 'the video stage check failed')
      return UNCHECKED
    } catch (error) {
      log.warn({ err: error, sessionId }, 'the sync-server did not answer the video stage check')
      return UNCHECKED
    }
  }
}
