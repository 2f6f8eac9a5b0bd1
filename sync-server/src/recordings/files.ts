import { rm } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Where recordings live: DATA_DIR/recordings/<session>/<recording>/. Janus writes its
 * .mjr files into the recording's folder (so Janus must see DATA_DIR at the same path),
 * post-processing leaves one `<recording>.webm` there, and deleting a recording or a
 * session deletes its folder.
 */
export const sessionFolder = (dir: string, sessionId: string) => join(dir, sessionId)

export const recordingFolder = (dir: string, sessionId: string, recordingId: string) =>
  join(dir, sessionId, recordingId)

export const recordingFile = (recordingId: string) => `${recordingId}.webm`

export async function removeFolder(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true })
}
