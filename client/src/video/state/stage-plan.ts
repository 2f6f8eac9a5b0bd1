import { z } from 'zod'
import { type Api, ApiError, createApi } from '../../lib/api.ts'

const StageAllowed = z.object({ allowed: z.literal(true) })

/** Asked once: going on stage should not wait out retries for an answer it can do without. */
const once = createApi({ attempts: 1, timeoutMs: 5_000 })

/**
 * Why this session may not have a video stage (its host's plan has none), asked before the
 * camera opens: the server's sentence, naming the plan that lifts the limit. Null when it
 * may, and when the server could not say (the signaling server refuses a stage peer the
 * plan does not allow in the same words).
 */
export async function stageRefusal(
  identity: { sessionId: string; token: string },
  api: Pick<Api, 'get'> = once,
): Promise<string | null> {
  try {
    await api.get(`/api/sessions/${identity.sessionId}/video-stage`, identity.token, StageAllowed)
    return null
  } catch (error) {
    return error instanceof ApiError && error.status === 403 ? error.message : null
  }
}
