import type { VideoQualityReport } from '@podium/shared'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { VideoQualityReporter, type WatchedFeed } from '../../src/analytics/video-report.ts'
import type { QualitySample } from '../../src/video/quality/stats.ts'

const sample = (over: Partial<QualitySample>): { sample: QualitySample } => ({
  sample: {
    rttMs: null,
    lossPct: null,
    jitterMs: null,
    bitrateKbps: null,
    fps: null,
    width: null,
    height: null,
    framesDecoded: null,
    ...over,
  },
})

describe('VideoQualityReporter', () => {
  let sent: VideoQualityReport[]
  let reporter: VideoQualityReporter
  beforeEach(() => {
    vi.useFakeTimers()
    sent = []
    reporter = new VideoQualityReporter(async (r) => {
      sent.push(r)
    }, 60_000)
  })
  afterEach(() => {
    reporter.stop()
    vi.useRealTimers()
  })

  it('sends each feed’s mean over the minute once, counting each sample once', async () => {
    const a = sample({ rttMs: 100, lossPct: 0, jitterMs: 10, bitrateKbps: 1000, fps: 30 })
    const b = sample({ rttMs: 300, lossPct: 10, jitterMs: 30, bitrateKbps: null, fps: 20 })
    const feeds = (cam: { sample: QualitySample } | null): WatchedFeed[] => [
      { key: 'u1:camera', feed: 'camera', measured: cam },
      { key: 'u1:screen', feed: 'screen', measured: null },
    ]
    reporter.observe(feeds(a))
    // The same sample seen again (the feeds changed for another reason) counts once.
    reporter.observe(feeds(a))
    reporter.observe(feeds(b))
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sent).toEqual([
      {
        reports: [
          { feed: 'camera', rttMs: 200, lossPct: 5, jitterMs: 20, bitrateKbps: 1000, fps: 25 },
        ],
      },
    ])
    // A quiet minute sends nothing.
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sent).toHaveLength(1)
  })

  it('keeps values in range and goes on after a failed send', async () => {
    let fail = true
    const tries: VideoQualityReport[] = []
    reporter.stop()
    reporter = new VideoQualityReporter(async (r) => {
      tries.push(r)
      if (fail) throw new Error('offline')
    }, 60_000)
    reporter.observe([
      { key: 'k', feed: 'camera', measured: sample({ lossPct: 130, rttMs: Number.NaN }) },
    ])
    await vi.advanceTimersByTimeAsync(60_000)
    expect(tries[0]?.reports[0]).toMatchObject({ lossPct: 100, rttMs: null })
    fail = false
    reporter.observe([{ key: 'k', feed: 'camera', measured: sample({ lossPct: 1 }) }])
    await vi.advanceTimersByTimeAsync(60_000)
    expect(tries).toHaveLength(2)
    expect(tries[1]?.reports[0]?.lossPct).toBe(1)
  })
})
