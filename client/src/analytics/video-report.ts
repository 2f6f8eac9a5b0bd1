import {
  VIDEO_REPORT_INTERVAL_MS,
  VIDEO_REPORTS_MAX,
  type VideoQualityReport,
  type VideoQualitySample,
} from '@podium/shared'
import type { QualitySample } from '../video/quality/stats.ts'

/** A watched feed as the reporter reads it: its latest sample (a new object per sample). */
export interface WatchedFeed {
  key: string
  feed: 'camera' | 'screen'
  measured: { sample: QualitySample } | null
}

const FIELDS = ['rttMs', 'lossPct', 'jitterMs', 'bitrateKbps', 'fps'] as const
type Field = (typeof FIELDS)[number]

interface Tally {
  feed: 'camera' | 'screen'
  sums: Record<Field, number>
  counts: Record<Field, number>
  last: unknown
}

/**
 * Tells the server how the video held up for this viewer: the samples the stage measures
 * every second for each watched feed, averaged over a minute, sent once a minute as one
 * report per feed (POST /api/sessions/:id/video-quality). A feed with no sample in the
 * minute sends nothing; a failed send is dropped (the next minute reports again).
 */
export class VideoQualityReporter {
  private readonly tallies = new Map<string, Tally>()
  private readonly timer: ReturnType<typeof setInterval>

  constructor(
    private readonly send: (report: VideoQualityReport) => Promise<unknown>,
    intervalMs = VIDEO_REPORT_INTERVAL_MS,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs)
  }

  /** Takes the feeds' latest samples; a sample seen before is not counted again. */
  observe(feeds: readonly WatchedFeed[]): void {
    for (const f of feeds) {
      if (!f.measured) continue
      let tally = this.tallies.get(f.key)
      if (tally?.last === f.measured) continue
      if (!tally) {
        const zero = () => Object.fromEntries(FIELDS.map((n) => [n, 0])) as Record<Field, number>
        tally = { feed: f.feed, sums: zero(), counts: zero(), last: null }
        this.tallies.set(f.key, tally)
      }
      tally.last = f.measured
      for (const name of FIELDS) {
        const value = f.measured.sample[name]
        if (value === null || !Number.isFinite(value)) continue
        tally.sums[name] += value
        tally.counts[name] += 1
      }
    }
  }

  /** Sends what the minute held, and starts a new one. */
  async flush(): Promise<void> {
    const reports: VideoQualitySample[] = []
    for (const tally of this.tallies.values()) {
      if (FIELDS.every((n) => tally.counts[n] === 0)) continue
      const mean = (n: Field, max: number) =>
        tally.counts[n] > 0
          ? Math.min(max, Math.max(0, Math.round((tally.sums[n] / tally.counts[n]) * 10) / 10))
          : null
      reports.push({
        feed: tally.feed,
        rttMs: mean('rttMs', 60_000),
        lossPct: mean('lossPct', 100),
        jitterMs: mean('jitterMs', 60_000),
        bitrateKbps: mean('bitrateKbps', 1_000_000),
        fps: mean('fps', 240),
      })
    }
    // Feeds that stopped are forgotten; the rest start the next minute afresh.
    this.tallies.clear()
    if (reports.length === 0) return
    try {
      await this.send({ reports: reports.slice(0, VIDEO_REPORTS_MAX) })
    } catch {
      // Analytics only: the stage carries on, and the next minute reports again.
    }
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
