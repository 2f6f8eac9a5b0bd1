/** The composed picture: the size most stage cameras send, and the rate the fake and real ones do. */
export const CANVAS = { width: 1280, height: 720, fps: 30 }

/** Boundaries closer than this are one: no picture flickers for a moment between layouts. */
const SNAP_S = 0.25

/** A part as the composition sees it: where it starts on the recording's clock, how long it lasts. */
export interface Placed {
  /** Seconds from the recording's first part. */
  startS: number
  durationS: number
  hasVideo: boolean
}

/** A stretch of the recording in which the same feeds are on the stage. */
export interface Segment {
  fromS: number
  toS: number
  /** Indexes of the parts on the stage then, in the order they came on (nobody: an empty stage). */
  on: number[]
}

export interface Tile {
  x: number
  y: number
  width: number
  height: number
}

/** Whether any two feeds with video were on the stage at once (for longer than `toleranceS`). */
export function overlapping(parts: Placed[], toleranceS: number): boolean {
  const shown = parts.filter((p) => p.hasVideo).sort((a, b) => a.startS - b.startS)
  let end = Number.NEGATIVE_INFINITY
  for (const part of shown) {
    if (part.startS < end - toleranceS) return true
    end = Math.max(end, part.startS + part.durationS)
  }
  return false
}

/**
 * The recording cut where someone comes on or leaves the stage: in each stretch the same
 * feeds are shown, so each gets its own layout (one person alone fills the picture).
 */
export function segmentsOf(parts: Placed[]): Segment[] {
  const cuts: number[] = []
  for (const part of parts) {
    if (!part.hasVideo) continue
    cuts.push(part.startS, part.startS + part.durationS)
  }
  cuts.sort((a, b) => a - b)
  const points: number[] = []
  for (const cut of cuts) {
    const last = points[points.length - 1]
    if (last === undefined || cut - last >= SNAP_S) points.push(cut)
  }
  const segments: Segment[] = []
  for (let i = 0; i + 1 < points.length; i++) {
    const fromS = points[i] as number
    const toS = points[i + 1] as number
    const middle = (fromS + toS) / 2
    const on = parts
      .map((part, index) => ({ part, index }))
      .filter(
        ({ part }) =>
          part.hasVideo && part.startS <= middle && part.startS + part.durationS > middle,
      )
      .sort((a, b) => a.part.startS - b.part.startS)
      .map(({ index }) => index)
    segments.push({ fromS, toS, on })
  }
  return segments
}

/** Where `count` pictures go on the canvas: a grid as square as it can be, row by row. */
export function grid(count: number, canvas = CANVAS): Tile[] {
  if (count <= 0) return []
  const columns = Math.ceil(Math.sqrt(count))
  const rows = Math.ceil(count / columns)
  // Even sizes: the encoder's 4:2:0 pictures need them.
  const width = Math.floor(canvas.width / columns / 2) * 2
  const height = Math.floor(canvas.height / rows / 2) * 2
  return Array.from({ length: count }, (_, i) => ({
    x: (i % columns) * width,
    y: Math.floor(i / columns) * height,
    width,
    height,
  }))
}

/**
 * The ffmpeg arguments that render one segment: a black canvas, and each feed on it,
 * scaled to fit its tile (black bars, no stretching), cut to the segment. `inputs` are the
 * parts' files; a part's own time 0 is its `startS` on the recording's clock.
 */
export function segmentArgs(
  segment: Segment,
  parts: Placed[],
  inputs: string[],
  out: string,
  canvas = CANVAS,
): string[] {
  const lengthS = segment.toS - segment.fromS
  const tiles = grid(segment.on.length, canvas)
  const args: string[] = []
  const filters = [
    `color=c=black:s=${canvas.width}x${canvas.height}:r=${canvas.fps}:d=${lengthS.toFixed(3)}[base0]`,
  ]
  segment.on.forEach((index, i) => {
    const part = parts[index] as Placed
    const tile = tiles[i] as Tile
    const from = Math.max(0, segment.fromS - part.startS)
    // Input seeking with re-encoding is exact to the frame; the canvas starts with the segment.
    const delay = Math.max(0, part.startS - segment.fromS)
    args.push(
      '-ss',
      from.toFixed(3),
      '-t',
      (lengthS - delay).toFixed(3),
      '-i',
      inputs[index] as string,
    )
    filters.push(
      `[${i}:v]setpts=PTS-STARTPTS+${delay.toFixed(3)}/TB,` +
        `scale=${tile.width}:${tile.height}:force_original_aspect_ratio=decrease,` +
        `pad=${tile.width}:${tile.height}:(ow-iw)/2:(oh-ih)/2[v${i}]`,
      `[base${i}][v${i}]overlay=${tile.x}:${tile.y}:eof_action=pass[base${i + 1}]`,
    )
  })
  const last = `base${segment.on.length}`
  filters.push(`[${last}]format=yuv420p,setsar=1[out]`)
  return [
    ...args,
    '-filter_complex',
    filters.join(';'),
    '-map',
    '[out]',
    ...VIDEO_CODEC,
    '-an',
    out,
  ]
}

/** VP8 as the parts are, fast enough to run beside a live server (one recording at a time). */
const VIDEO_CODEC = [
  '-c:v',
  'libvpx',
  '-deadline',
  'realtime',
  '-cpu-used',
  '8',
  '-b:v',
  '2M',
  '-threads',
  '2',
]

/**
 * The ffmpeg arguments that put the recording's sound under the composed picture: every
 * part's audio, each delayed to where it starts, mixed (not averaged: a quiet stage stays
 * as loud as it was), Opus; the picture is copied.
 */
export function soundArgs(
  video: string,
  parts: Placed[],
  audio: Array<string | null>,
  out: string,
): string[] {
  const withSound = parts
    .map((part, index) => ({ part, file: audio[index] }))
    .filter((p): p is { part: Placed; file: string } => typeof p.file === 'string')
  if (withSound.length === 0) return ['-i', video, '-c', 'copy', out]
  const filters = withSound.map(
    ({ part }, i) => `[${i + 1}:a]adelay=${Math.round(part.startS * 1000)}:all=1[a${i}]`,
  )
  filters.push(
    `${withSound.map((_, i) => `[a${i}]`).join('')}amix=inputs=${withSound.length}:duration=longest:normalize=0[sound]`,
  )
  return [
    '-i',
    video,
    ...withSound.flatMap(({ file }) => ['-i', file]),
    '-filter_complex',
    filters.join(';'),
    '-map',
    '0:v',
    '-map',
    '[sound]',
    '-c:v',
    'copy',
    '-c:a',
    'libopus',
    '-b:a',
    '96k',
    out,
  ]
}
