import { execFile } from 'node:child_process'
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { overlapping, type Placed, segmentArgs, segmentsOf, soundArgs } from './compose.ts'
import { recordingFile } from './files.ts'

const run = promisify(execFile)

/** How long one tool may take on one file before the recording is marked failed. */
const TOOL_TIMEOUT_MS = 10 * 60_000

/** Composing re-encodes: besides TOOL_TIMEOUT_MS, this many seconds per second of picture. */
const ENCODE_SECONDS_PER_SECOND = 4

/** Parts closer than this count as one after the other, not at the same time. */
const OVERLAP_US = 1_000_000

/** Post-processing failed; the message is shown to the host as it is. */
export class ProcessingError extends Error {
  override name = 'ProcessingError'
}

/** A stream file as Janus's VideoRoom names it when the room records. */
const MJR = /^videoroom-\d+-user-(\d+)-(\d+)-(audio|video)-\d+\.mjr$/

export interface StreamFile {
  name: string
  /** Janus's id of the publisher (a new one each time someone publishes again). */
  publisher: string
  /** When Janus opened the file, in microseconds since the epoch. */
  at: number
  kind: 'audio' | 'video'
  size: number
}

/** One publishing of one person: their video and audio while they were on the SFU. */
export interface Part {
  publisher: string
  at: number
  size: number
  video?: StreamFile
  audio?: StreamFile
}

async function streamFiles(folder: string): Promise<StreamFile[]> {
  const names = await readdir(folder).catch(() => [] as string[])
  const files: StreamFile[] = []
  for (const name of names) {
    const match = MJR.exec(name)
    if (!match?.[1] || !match[2] || !match[3]) continue
    const { size } = await stat(join(folder, name))
    if (size === 0) continue
    files.push({
      name,
      publisher: match[1],
      at: Number(match[2]),
      kind: match[3] as 'audio' | 'video',
      size,
    })
  }
  return files
}

/** The files grouped by publisher: the largest video and audio of each, oldest first. */
export function partsOf(files: StreamFile[]): Part[] {
  const parts = new Map<string, Part>()
  for (const file of files) {
    const part = parts.get(file.publisher) ?? {
      publisher: file.publisher,
      at: file.at,
      size: 0,
    }
    part.at = Math.min(part.at, file.at)
    const current = part[file.kind]
    if (!current || file.size > current.size) part[file.kind] = file
    part.size = (part.video?.size ?? 0) + (part.audio?.size ?? 0)
    parts.set(file.publisher, part)
  }
  return [...parts.values()].sort((a, b) => a.at - b.at)
}

/**
 * Which parts make a recording with one feed at a time, in order: a part that starts once
 * the previous one has ended follows it (the presenter published again: a reload, a
 * dropped link); of parts at the same time (an audio-only one beside a camera), the larger
 * one stays. Feeds with video at the same time are composed instead (compose.ts).
 */
export function timeline<T extends Part & { durationUs: number }>(parts: T[]): T[] {
  const chosen: T[] = []
  for (const part of parts) {
    const last = chosen[chosen.length - 1]
    if (!last || part.at >= last.at + last.durationUs - OVERLAP_US) chosen.push(part)
    else if (part.size > last.size) chosen[chosen.length - 1] = part
  }
  return chosen
}

async function tool(
  binary: string,
  args: string[],
  what: string,
  timeoutMs = TOOL_TIMEOUT_MS,
): Promise<string> {
  try {
    const { stdout } = await run(binary, args, {
      timeout: timeoutMs,
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

const FFMPEG = ['-hide_banner', '-loglevel', 'error', '-y']

async function durationOf(tools: Tools, file: string): Promise<number> {
  const seconds = Number.parseFloat(
    await tool(
      tools.ffprobe,
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file],
      'Reading the duration',
    ),
  )
  return Number.isFinite(seconds) ? seconds : 0
}

/** One part's streams out of the RTP packets (janus-pp-rec), muxed into one WebM. */
async function makePart(folder: string, part: Part, index: number, tools: Tools) {
  const inputs: string[] = []
  if (part.video) {
    const out = join(folder, `part-${index}-video.webm`)
    await tool(tools.janusPpRec, [join(folder, part.video.name), out], 'Extracting the video')
    inputs.push(out)
  }
  if (part.audio) {
    const out = join(folder, `part-${index}-audio.opus`)
    await tool(tools.janusPpRec, [join(folder, part.audio.name), out], 'Extracting the audio')
    inputs.push(out)
  }
  const file = join(folder, `part-${index}.webm`)
  await tool(
    tools.ffmpeg,
    [
      ...FFMPEG,
      ...inputs.flatMap((input) => ['-i', input]),
      ...inputs.flatMap((_, i) => ['-map', String(i)]),
      '-c',
      'copy',
      file,
    ],
    'Muxing the recording',
  )
  const seconds = await durationOf(tools, file)
  return { ...part, file, durationUs: seconds * 1_000_000, layout: inputs.length }
}

type Made = Awaited<ReturnType<typeof makePart>>

/** Files of the same streams one after the other, without re-encoding (ffmpeg's concat). */
async function joinFiles(folder: string, files: string[], out: string, tools: Tools, what: string) {
  const list = join(folder, 'join.txt')
  await writeFile(list, files.map((f) => `file '${f}'`).join('\n'))
  await tool(
    tools.ffmpeg,
    [...FFMPEG, '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', out],
    what,
  )
}

/**
 * Two or more people on the stage at once: the picture is cut where someone comes on or
 * leaves, each stretch rendered with everyone then on the stage side by side (one alone
 * fills it), the stretches joined, and every part's sound mixed under it. This re-encodes
 * (VP8, ffmpeg's fastest setting), so it takes a while for a long recording.
 */
async function compose(
  folder: string,
  made: Made[],
  placed: Placed[],
  target: string,
  tools: Tools,
) {
  const files = made.map((p) => p.file)
  const rendered: string[] = []
  for (const [index, segment] of segmentsOf(placed).entries()) {
    const out = join(folder, `segment-${index}.webm`)
    const seconds = segment.toS - segment.fromS
    await tool(
      tools.ffmpeg,
      [...FFMPEG, ...segmentArgs(segment, placed, files, out)],
      'Composing the stage',
      Math.ceil(TOOL_TIMEOUT_MS + seconds * ENCODE_SECONDS_PER_SECOND * 1000),
    )
    rendered.push(out)
  }
  const picture = join(folder, 'picture.webm')
  await joinFiles(folder, rendered, picture, tools, 'Joining the composed stage')
  await tool(
    tools.ffmpeg,
    [
      ...FFMPEG,
      ...soundArgs(
        picture,
        placed,
        made.map((p) => (p.audio ? p.file : null)),
        target,
      ),
    ],
    'Mixing the sound of the stage',
  )
}

/**
 * Turns Janus's .mjr files in a recording's folder into one WebM: per publishing,
 * `janus-pp-rec` writes the VP8 video and the Opus audio out of the RTP packets and
 * ffmpeg muxes them without re-encoding. One feed at a time: the parts on the timeline
 * are joined one after the other (ffmpeg's concat, still without re-encoding). Feeds at
 * the same time: composed into one picture (compose()). ffprobe reads the duration. The
 * .mjr files and the intermediates go.
 */
export async function postProcess(
  folder: string,
  recordingId: string,
  tools: Tools = DEFAULT_TOOLS,
): Promise<Processed> {
  const parts = partsOf(await streamFiles(folder))
  if (parts.length === 0)
    throw new ProcessingError(
      'The media server wrote no media: no camera or microphone reached it while recording.',
    )
  const made: Made[] = []
  for (const [index, part] of parts.entries()) made.push(await makePart(folder, part, index, tools))
  const file = recordingFile(recordingId)
  const target = join(folder, file)
  // Each part on the recording's clock: Janus opened its first file at `at`.
  const t0 = Math.min(...made.map((p) => p.at))
  const placed: Placed[] = made.map((p) => ({
    startS: (p.at - t0) / 1_000_000,
    durationS: p.durationUs / 1_000_000,
    hasVideo: p.video !== undefined,
  }))
  const chosen = timeline(made)
  const largest = [...chosen].sort((a, b) => b.size - a.size)[0] ?? chosen[0]
  // Parts join only with the same streams (a part without audio cannot follow one with).
  const joinable = chosen.length > 1 && chosen.every((p) => p.layout === chosen[0]?.layout)
  if (overlapping(placed, OVERLAP_US / 1_000_000))
    await compose(folder, made, placed, target, tools)
  else if (joinable) {
    await joinFiles(
      folder,
      chosen.map((p) => p.file),
      target,
      tools,
      'Joining the parts of the recording',
    )
  } else if (largest) await rename(largest.file, target)
  const seconds = await durationOf(tools, target)
  for (const name of await readdir(folder))
    if (name !== file) await rm(join(folder, name), { force: true })
  const { size } = await stat(target)
  return { file, sizeBytes: size, durationMs: Math.round(seconds * 1000) }
}
