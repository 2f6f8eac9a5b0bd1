import {
  RECORDER_PATH,
  RecorderRefusal,
  RecorderRefusalCode,
  recorderKey,
  type StageRecorder,
} from '@podium/signal-server'

const TIMEOUT_MS = 15_000

/**
 * The recorder of a standalone signal-server (SFU_RECORDER_URL), for sync-servers that do
 * not serve /sfu themselves (docker compose): the Janus rooms, and their secrets, are
 * there. Its refusals come back as RecorderRefusals, so the API answers as when mounted.
 */
export function remoteRecorder(baseUrl: string, secret: string): StageRecorder {
  const key = recorderKey(secret)
  const call = async (sessionId: string, action: 'start' | 'stop', body?: object) => {
    let response: Response
    try {
      response = await fetch(
        `${baseUrl}${RECORDER_PATH}/${encodeURIComponent(sessionId)}/${action}`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        },
      )
    } catch (error) {
      throw new RecorderRefusal(
        RecorderRefusalCode.unavailable,
        `The signal-server's recorder does not answer (SFU_RECORDER_URL): ${(error as Error).message}.`,
      )
    }
    if (response.ok) return
    const problem = (await response.json().catch(() => ({}))) as { detail?: string }
    const detail = problem.detail ?? `The signal-server's recorder answered ${response.status}.`
    if (response.status === 409) throw new RecorderRefusal(RecorderRefusalCode.noStage, detail)
    throw new RecorderRefusal(RecorderRefusalCode.unavailable, detail)
  }
  return {
    start: (sessionId, folder) => call(sessionId, 'start', { folder }),
    stop: (sessionId) => call(sessionId, 'stop'),
    // Rooms are made on that signal-server: its own recorder carries a recording into them.
    roomCreated: async () => undefined,
  }
}
