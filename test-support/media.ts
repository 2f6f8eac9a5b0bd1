import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface Probed {
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[]
  format: { duration?: string }
}

/** What ffprobe reads of a media file: its streams (kind, codec, size) and its duration. */
export async function probeMedia(path: string): Promise<Probed> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_type,codec_name,width,height:format=duration',
    '-of',
    'json',
    path,
  ])
  return JSON.parse(stdout) as Probed
}

/**
 * One decoded frame of a video at `seconds`, as raw pixels (`gray`: a byte each; `rgb24`:
 * three), for a test to read back what a picture shows.
 */
export async function frameAt(
  path: string,
  seconds: number,
  pixelFormat: 'gray' | 'rgb24',
): Promise<Buffer> {
  const { stdout } = await run(
    'ffmpeg',
    [
      '-v',
      'error',
      '-ss',
      String(seconds),
      '-i',
      path,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      pixelFormat,
      '-',
    ],
    { encoding: 'buffer', maxBuffer: 8 * 1024 * 1024 },
  )
  return stdout
}
