/**
 * What a subscriber received on one RTP stream, counted without decoding: packets and
 * bytes, frames (a set marker bit ends a video frame), and the highest sequence number
 * seen, extended past the 16-bit wrap, so that loss over a window is the sequence
 * numbers that should have come and did not. Retransmitted or duplicated packets count once.
 */
export interface RtpSnapshot {
  packets: number
  bytes: number
  frames: number
  /** Extended highest sequence number; null before the first packet. */
  highest: number | null
}

/** How far back duplicates are recognised (packets). */
const REMEMBERED = 4096

export class RtpTally {
  private packets = 0
  private bytes = 0
  private frames = 0
  private highest: number | null = null
  private readonly seen = new Set<number>()

  /** One received packet: its 16-bit sequence number, marker bit and size in bytes. */
  add(sequenceNumber: number, marker: boolean, size: number): void {
    const extended = this.extend(sequenceNumber)
    if (this.seen.has(extended)) return
    this.seen.add(extended)
    if (this.seen.size > REMEMBERED * 2)
      for (const old of this.seen) {
        if (this.seen.size <= REMEMBERED) break
        this.seen.delete(old)
      }
    this.packets++
    this.bytes += size
    if (marker) this.frames++
    if (this.highest === null || extended > this.highest) this.highest = extended
  }

  snapshot(): RtpSnapshot {
    return { packets: this.packets, bytes: this.bytes, frames: this.frames, highest: this.highest }
  }

  /** The sequence number nearest the highest seen, counting wraps of 2^16. */
  private extend(sequenceNumber: number): number {
    if (this.highest === null) return sequenceNumber
    const base = this.highest - (this.highest & 0xffff)
    let extended = base + sequenceNumber
    if (extended - this.highest > 0x8000) extended -= 0x10000
    else if (this.highest - extended > 0x8000) extended += 0x10000
    return extended
  }
}

export interface RtpWindow {
  kbps: number
  fps: number
  /** Share of the packets sent in the window that never arrived, 0..1. */
  loss: number
  packets: number
}

/** Rates and loss between two snapshots taken `seconds` apart. */
export function rtpWindow(before: RtpSnapshot, after: RtpSnapshot, seconds: number): RtpWindow {
  const received = after.packets - before.packets
  const expected =
    after.highest === null ? 0 : before.highest === null ? received : after.highest - before.highest
  const lost = Math.max(0, expected - received)
  return {
    kbps: ((after.bytes - before.bytes) * 8) / 1000 / seconds,
    fps: (after.frames - before.frames) / seconds,
    loss: expected > 0 ? lost / expected : 0,
    packets: received,
  }
}
