import { execFile } from 'node:child_process'
import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { recordingFile } from './files.ts'

const run = promisify(execFile)

/** How long one tool may take on one file before the recording is marked failed. */
const TOOL_TIMEOUT_MS = 10 * 60_000

/** Post-processing failed; the message is shown to the host as it is. */
export class ProcessingError extends Error {
  override name = 'ProcessingError'
}

/** A stream file as Janus's VideoRoom names it when the room records. */
const MJR = /^videoroom-\d+-user-(\d+)-\d+-(audio|video)-\d+\.mjr$/

interface StreamFile {
  name: string
  publisher: string
  kind: 'audio' | 'video'
  size: number
}

async function streamFiles(folder: string): Promise<StreamFile[]> {
  const names = await readdir(folder).catch(() => [] as string[])
  const files: StreamFile[] = []
  for (const name of names) {
    const match = MJR.exec(name)
    if (!match?.[1] || !match[2]) continue
    const { size } = await stat(join(folder, name))
    files.push({ name, publisher: match[1], kind: match[2] as 'audio' | 'video', size })
  }
  return files
}

/**
 * Which streams make the recording: the publisher whose video Janus recorded the most of
 * (the main camera), with that publisher's audio. Several feeds are not composed into one
 * picture; the others' files are deleted with the rest.
 */
export function pickStreams(files: StreamFile[]): { video?: StreamFile; audio?: StreamFile } {
  const largest = (list: StreamFile[]) =>
    list.filter((f) => f.size > 0).sort((a, b) => b.size - a.size)[0]
  const video = largest(files.filter((f) => f.kind === 'video'))
  const audio = largest(
    files.filter((f) => f.kind === 'audio' && (!video || f.publisher === video.publisher)),
  )
  return { ...(video ? { video } : {}), ...(audio ? { audio } : {}) }
}

async function tool(binary: string, args: string[], what: string): Promise<string> {
  try {
    const { stdout } = await run(binary, args, {
      timeout: TOOL_TIMEOUT_MS,
      maxBuffer: 4 * 1024 * 1024,
    })
    return stdout
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string }
    if (e.code === 'ENOENT')
      throw new ProcessingError(`${binary} is not installed on the server, so ${what} failed.`)
    const last = (e.stderr ?? e.message).trim().split('\n').slice(-1)[0] ?? ''
    throw new ProcessingError(`${what} failed: ${last.slice(0, 200)}`)
  }
}

export interface Processed {
  file: string
  sizeBytes: number
  durationMs: number
}

export interface Tools {
  janusPpRec: string
  ffmpeg: string
  ffprobe: string
}

export const DEFAULT_TOOLS: Tools = {
  janusPpRec: 'janus-pp-rec',
  ffmpeg: 'ffmpeg',
  ffprobe: 'ffprobe',
}

/**
 * Turns Janus's .mjr files in a recording's folder into one WebM: `janus-pp-rec` writes
 * the VP8 video and the Opus audio out of the RTP packets, ffmpeg muxes them without
 * re-encoding, ffprobe reads the duration. The .mjr files and the intermediates go.
 */
export async function postProcess(
  folder: string,
  recordingId: string,
  tools: Tools = DEFAULT_TOOLS,
): Promise<Processed> {
  const { video, audio } = pickStreams(await streamFiles(folder))
  if (!video && !audio)
    throw new ProcessingError(
      'The media server wrote no media: no camera or microphone reached it while recording.',
    )
  const parts: string[] = []
  if (video) {
    const out = join(folder, 'video.webm')
    await tool(tools.janusPpRec, [join(folder, video.name), out], 'Extracting the video')
    parts.push(out)
  }
  if (audio) {
    const out = join(folder, 'audio.opus')
    await tool(tools.janusPpRec, [join(folder, audio.name), out], 'Extracting the audio')
    parts.push(out)
  }
  const file = recordingFile(recordingId)
  const target = join(folder, file)
  await tool(
    tools.ffmpeg,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      ...parts.flatMap((p) => ['-i', p]),
      ...parts.flatMap((_, i) => ['-map', String(i)]),
      '-c',
      'copy',
      target,
    ],
    'Muxing the recording',
  )
  const seconds = Number.parseFloat(
    await tool(
      tools.ffprobe,
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', target],
      'Reading the duration',
    ),
  )
  for (const name of await readdir(folder))
    if (name !== file) await rm(join(folder, name), { force: true })
  const { size } = await stat(target)
  return {
    file,
    sizeBytes: size,
    durationMs: Number.isFinite(seconds) ? Math.round(seconds * 1000) : 0,
  }
}
