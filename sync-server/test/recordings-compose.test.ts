import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { frameAt, probeMedia } from '../../test-support/media.ts'
import {
  grid,
  overlapping,
  type Placed,
  segmentArgs,
  segmentsOf,
  soundArgs,
} from '../src/recordings/compose.ts'

// How a stage with several people on it becomes one picture: the cuts, the layout of
// each stretch, and (with the real ffmpeg) a stretch rendered from two synthetic feeds.
const run = promisify(execFile)
const at = (startS: number, durationS: number, hasVideo = true): Placed => ({
  startS,
  durationS,
  hasVideo,
})

describe('composing a stage recording', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compose-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('tells feeds at the same time from one after the other', () => {
    // A reload: the second part starts as the first ends (within the tolerance).
    expect(overlapping([at(0, 10), at(10.5, 5)], 1)).toBe(false)
    expect(overlapping([at(0, 10), at(9.5, 5)], 1)).toBe(false)
    // Two people on stage.
    expect(overlapping([at(0, 10), at(4, 10)], 1)).toBe(true)
    // A later part inside a long first one, whatever the order given.
    expect(overlapping([at(30, 5), at(0, 60), at(70, 5)], 1)).toBe(true)
    // Sound alone is not a picture.
    expect(overlapping([at(0, 10), at(2, 5, false)], 1)).toBe(false)
  })

  it('cuts where someone comes on or leaves, each stretch with who is on then', () => {
    // Ada alone, then Ben beside her, then Ben alone after she leaves, then nobody, then Cy.
    const parts = [at(0, 10), at(4, 10), at(20, 5), at(6, 2, false)]
    expect(segmentsOf(parts)).toEqual([
      { fromS: 0, toS: 4, on: [0] },
      { fromS: 4, toS: 10, on: [0, 1] },
      { fromS: 10, toS: 14, on: [1] },
      { fromS: 14, toS: 20, on: [] },
      { fromS: 20, toS: 25, on: [2] },
    ])
    // Boundaries a moment apart are one: no flicker of a layout for 0.1 s.
    expect(segmentsOf([at(0, 10), at(4, 6.1)]).map((s) => s.on)).toEqual([[0], [0, 1]])
  })

  it('lays out a grid as square as it can be, in even sizes', () => {
    expect(grid(1)).toEqual([{ x: 0, y: 0, width: 1280, height: 720 }])
    expect(grid(2)).toEqual([
      { x: 0, y: 0, width: 640, height: 720 },
      { x: 640, y: 0, width: 640, height: 720 },
    ])
    expect(grid(3).map((t) => [t.x, t.y])).toEqual([
      [0, 0],
      [640, 0],
      [0, 360],
    ])
    const five = grid(5)
    expect(five).toHaveLength(5)
    for (const tile of five) {
      expect(tile.width % 2).toBe(0)
      expect(tile.height % 2).toBe(0)
      expect(tile.x + tile.width).toBeLessThanOrEqual(1280)
      expect(tile.y + tile.height).toBeLessThanOrEqual(720)
    }
  })

  it('renders a stretch with two feeds side by side and mixes every sound under it (real ffmpeg)', async () => {
    const ff = ['-hide_banner', '-loglevel', 'error', '-y']
    const vp8 = ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8']
    // A white feed and a grey one, each with a tone; the grey one comes on at 1 s.
    const white = join(dir, 'white.webm')
    const grey = join(dir, 'grey.webm')
    await run('ffmpeg', [
      ...ff,
      '-f',
      'lavfi',
      '-i',
      'color=c=white:s=640x360:r=30:d=3',
      '-f',
      'lavfi',
      '-i',
      'sine=f=440:d=3',
      ...vp8,
      '-c:a',
      'libopus',
      white,
    ])
    await run('ffmpeg', [
      ...ff,
      '-f',
      'lavfi',
      '-i',
      'color=c=gray:s=640x360:r=30:d=2',
      '-f',
      'lavfi',
      '-i',
      'sine=f=880:d=2',
      ...vp8,
      '-c:a',
      'libopus',
      grey,
    ])
    const parts = [at(0, 3), at(1, 2)]
    const both = segmentsOf(parts)[1]
    if (!both) throw new Error('no second stretch')
    expect(both).toEqual({ fromS: 1, toS: 3, on: [0, 1] })
    const picture = join(dir, 'both.webm')
    await run('ffmpeg', [...ff, ...segmentArgs(both, parts, [white, grey], picture)])
    const out = join(dir, 'out.webm')
    await run('ffmpeg', [...ff, ...soundArgs(picture, parts, [white, grey], out)])

    const probed = await probeMedia(out)
    expect(probed.streams).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          codec_type: 'video',
          codec_name: 'vp8',
          width: 1280,
          height: 720,
        }),
        expect.objectContaining({ codec_type: 'audio', codec_name: 'opus' }),
      ]),
    )
    // The stretch is 2 s long; the sound runs from the recording's start (3 s).
    expect(Number(probed.format.duration)).toBeGreaterThan(1.9)

    // One frame in the middle, as grey levels: white on the left, grey on the right, black bars.
    const pixels = await frameAt(out, 1, 'gray')
    expect(pixels.length).toBe(1280 * 720)
    const level = (x: number, y: number) => pixels[y * 1280 + x] ?? -1
    expect(level(320, 360)).toBeGreaterThan(230)
    expect(Math.abs(level(960, 360) - 128)).toBeLessThan(30)
    // Letterboxed: a 16:9 picture in a 640×720 tile has black above and below.
    expect(level(320, 40)).toBeLessThan(30)
    expect(level(960, 680)).toBeLessThan(30)
  }, 60_000)
})
