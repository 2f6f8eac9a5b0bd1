import { describe, expect, it } from 'vitest'
import {
  cpuSecondsFromStat,
  machineTicksFromStat,
  rssMibFromStatus,
} from '../src/sfu/proc-usage.ts'
import { RtpTally, rtpWindow } from '../src/sfu/rtp-tally.ts'
import { vp8KeyframeSize } from '../src/sfu/vp8.ts'

// The SFU benchmark's counting (npm run bench:sfu): loss from sequence gaps, frames from
// marker bits, the layer from VP8 keyframe headers, Janus's CPU and memory from /proc.

/** Packets `from`..`to` (16-bit, wrapping), a frame every `perFrame` packets, 1000 bytes each. */
function feed(
  tally: RtpTally,
  from: number,
  count: number,
  perFrame: number,
  skip = new Set<number>(),
) {
  for (let i = 0; i < count; i++) {
    if (skip.has(i)) continue
    tally.add((from + i) & 0xffff, (i + 1) % perFrame === 0, 1000)
  }
}

describe('RTP counting without decoding', () => {
  it('counts bitrate, frames and no loss for an unbroken stream', () => {
    const tally = new RtpTally()
    feed(tally, 100, 10, 1)
    const before = tally.snapshot()
    feed(tally, 110, 200, 4)
    const window = rtpWindow(before, tally.snapshot(), 2)
    expect(window).toEqual({ kbps: 800, fps: 25, loss: 0, packets: 200 })
  })

  it('counts sequence numbers that never came as lost, across the 16-bit wrap', () => {
    const tally = new RtpTally()
    feed(tally, 65_500, 10, 1)
    const before = tally.snapshot()
    // 100 more from 65510 (wrapping past 65535 to 74), 5 of them missing.
    feed(tally, 65_510, 100, 5, new Set([3, 30, 31, 60, 99 - 1]))
    const window = rtpWindow(before, tally.snapshot(), 1)
    expect(window.packets).toBe(95)
    expect(window.loss).toBeCloseTo(0.05, 10)
  })

  it('counts a retransmitted or duplicated packet once, and a late one as not lost', () => {
    const tally = new RtpTally()
    tally.add(1, false, 100)
    const before = tally.snapshot()
    tally.add(3, true, 100) // 2 is late
    tally.add(3, true, 100) // a duplicate of 3
    tally.add(2, false, 100) // 2 arrives after all
    const window = rtpWindow(before, tally.snapshot(), 1)
    expect(window).toMatchObject({ packets: 2, fps: 1, loss: 0 })
  })

  it('finds the picture size in a VP8 keyframe, and nothing in other packets', () => {
    // Descriptor: X and S set, partition 0; extension: PictureID (15-bit) present.
    const descriptor = [0x90, 0x80, 0x80 | 0x12, 0x34]
    // Frame tag (keyframe: bit 0 clear), start code, 960 x 540 (14 bits, little-endian).
    const keyframe = [
      0x50,
      0x2b,
      0x01,
      0x9d,
      0x01,
      0x2a,
      960 & 0xff,
      960 >> 8,
      540 & 0xff,
      540 >> 8,
    ]
    expect(vp8KeyframeSize(Uint8Array.from([...descriptor, ...keyframe]))).toEqual({
      width: 960,
      height: 540,
    })
    const interframe = [0x51, ...keyframe.slice(1)]
    expect(vp8KeyframeSize(Uint8Array.from([...descriptor, ...interframe]))).toBeNull()
    // A later packet of the same frame (S clear) carries no header.
    expect(vp8KeyframeSize(Uint8Array.from([0x80, 0x80, 0x92, 0x34, ...keyframe]))).toBeNull()
    // Without the extension byte, the header follows the first byte.
    expect(vp8KeyframeSize(Uint8Array.from([0x10, ...keyframe]))).toEqual({
      width: 960,
      height: 540,
    })
  })

  it("reads a process's CPU seconds and memory, and the machine's busy share, from /proc", () => {
    const stat =
      '4242 (janus (main)) S 1 4242 4242 0 -1 4194560 1200 0 0 0 250 130 0 0 20 0 33 0 1234 987654321 6400 18446744073709551615'
    expect(cpuSecondsFromStat(stat, 100)).toBeCloseTo(3.8, 10)
    expect(() => cpuSecondsFromStat('garbage', 100)).toThrow(/proc/)
    expect(rssMibFromStatus('Name:\tjanus\nVmRSS:\t   25600 kB\nThreads:\t33\n')).toBe(25)
    expect(machineTicksFromStat('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3\n')).toEqual({
      busy: 150,
      total: 1000,
    })
  })
})
