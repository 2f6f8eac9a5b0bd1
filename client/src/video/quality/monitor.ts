import {
  type Counters,
  type Direction,
  type QualityLevel,
  type QualitySample,
  qualityLevel,
  type StatsRecord,
  sampleStats,
} from './stats.ts'

export interface Measured {
  sample: QualitySample
  level: QualityLevel
}

/** Samples a peer connection's stats every `intervalMs` until stopped or the connection closes. */
export class StatsMonitor {
  private counters: Counters | null = null
  private timer: ReturnType<typeof setInterval>
  private busy = false

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly direction: Direction,
    intervalMs: number,
    private readonly onSample: (measured: Measured) => void,
  ) {
    this.timer = setInterval(() => void this.tick(), intervalMs)
  }

  private async tick(): Promise<void> {
    if (this.busy) return
    if (this.pc.connectionState === 'closed') return this.stop()
    this.busy = true
    try {
      const report = await this.pc.getStats()
      const { sample, counters } = sampleStats(
        this.direction,
        report.values() as Iterable<StatsRecord>,
        this.counters,
      )
      this.counters = counters
      this.onSample({ sample, level: qualityLevel(sample) })
    } catch {
      // A connection closing under us: the next tick stops.
    } finally {
      this.busy = false
    }
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
