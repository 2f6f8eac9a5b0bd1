import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/** Payload types the forwarder is told to use, so the session description is ours to write. */
export const VIDEO_PT = 96
export const AUDIO_PT = 111

/** The broadcast's picture size. */
export const WIDTH = 640
export const HEIGHT = 360
export const FPS = 25

/** Seconds of media per segment, and segments the live playlist keeps. */
export const SEGMENT_SECONDS = 1
export const PLAYLIST_SEGMENTS = 6

/** The ffmpeg to run: FFMPEG_PATH, else `ffmpeg` on PATH; null when there is none. */
export function findFfmpeg(configured?: string): string | null {
  if (configured) return existsSync(configured) ? configured : null
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'ffmpeg')
    if (dir && existsSync(candidate)) return candidate
  }
  return null
}

/**
 * The session description ffmpeg reads: the forwarded VP8 video and, when the publisher
 * sends a microphone, Opus audio, as plain RTP on this machine's ports.
 */
export function broadcastSdp(ports: { video: number; audio: number | null }): string {
  const lines = [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=podium broadcast',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=video ${ports.video} RTP/AVP ${VIDEO_PT}`,
    `a=rtpmap:${VIDEO_PT} VP8/90000`,
    'a=recvonly',
  ]
  if (ports.audio !== null)
    lines.push(
      `m=audio ${ports.audio} RTP/AVP ${AUDIO_PT}`,
      `a=rtpmap:${AUDIO_PT} opus/48000/2`,
      'a=recvonly',
    )
  return `${lines.join('\r\n')}\r\n`
}

/**
 * ffmpeg's arguments: read the RTP the SDP describes, scale to 640×360, encode H.264 (a
 * keyframe every segment, zero-latency tuning, a cheap preset: the machine is shared) and AAC, and
 * write a live HLS playlist of one-second segments with program date-times, deleting
 * segments that left the playlist.
 */
export function ffmpegArgs(sdpFile: string, outDir: string, audio: boolean): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'warning',
    '-protocol_whitelist',
    'file,udp,rtp',
    // Not `nobuffer`: the keyframe ffmpeg finds while probing must reach the decoder.
    '-fflags',
    '+genpts',
    '-flags',
    'low_delay',
    '-analyzeduration',
    '5000000',
    '-probesize',
    '5000000',
    '-i',
    sdpFile,
    '-map',
    '0:v:0',
    ...(audio ? ['-map', '0:a:0'] : []),
    // One size whatever layer comes (the encoder cannot change size mid-stream), kept small:
    // the machine is shared. A fixed frame rate from the frames' own times: when ffmpeg
    // sees few frames while probing it guesses the RTP clock (90 kHz) as the rate, and
    // would duplicate frames by the thousand to fill it.
    '-vf',
    `scale=${WIDTH}:${HEIGHT}:force_original_aspect_ratio=decrease,pad=${WIDTH}:${HEIGHT}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${FPS}`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-tune',
    'zerolatency',
    '-profile:v',
    'main',
    '-pix_fmt',
    'yuv420p',
    '-b:v',
    '600k',
    '-maxrate',
    '800k',
    '-bufsize',
    '800k',
    '-force_key_frames',
    `expr:gte(t,n_forced*${SEGMENT_SECONDS})`,
    '-sc_threshold',
    '0',
    ...(audio ? ['-c:a', 'aac', '-b:a', '64k', '-ar', '48000'] : []),
    '-f',
    'hls',
    '-hls_time',
    String(SEGMENT_SECONDS),
    '-hls_list_size',
    String(PLAYLIST_SEGMENTS),
    '-hls_flags',
    'delete_segments+program_date_time+independent_segments+temp_file',
    '-hls_segment_filename',
    join(outDir, 'seg%d.ts'),
    join(outDir, 'index.m3u8'),
  ]
}

const running = new Set<ChildProcess>()

/** ffmpeg processes this server started that have not exited yet (none leak: tests check). */
export const runningFfmpeg = (): number => running.size

export interface Encoder {
  readonly pid: number | undefined
  /** Resolves when ffmpeg exited, with its last output lines. */
  readonly exited: Promise<{ code: number | null; signal: string | null; output: string }>
  /** ffmpeg's last warnings and errors. */
  output(): string
  /** Asks ffmpeg to finish (it writes the playlist's end); kills it if it lingers. */
  stop(): Promise<void>
}

export function startFfmpeg(binary: string, args: string[]): Encoder {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  running.add(child)
  let output = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000)
  })
  const exited = new Promise<{ code: number | null; signal: string | null; output: string }>(
    (resolve) => {
      const done = (code: number | null, signal: string | null) => {
        running.delete(child)
        resolve({ code, signal, output })
      }
      child.once('exit', done)
      child.once('error', (error) => {
        output += String(error)
        done(null, null)
      })
    },
  )
  return {
    pid: child.pid,
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 3000)
        await exited
        clearTimeout(killer)
      }
    },
  }
}
