import { isPoorVideo, type VideoQualitySample } from '@podium/shared'
import { Counter, Histogram, type Registry } from 'prom-client'

/**
 * Video quality as viewers' browsers report it (POST /api/sessions/:id/video-quality, once
 * a minute per viewer), aggregated across sessions: no session label, so the series stay
 * few however many sessions run. The session's own figures are in its analytics.
 */
export function videoQualityMetrics(registry: Registry) {
  const labelNames = ['feed'] as const
  const reports = new Counter({
    name: 'podium_video_reports_total',
    help: 'Video quality reports from viewers, by feed and whether the link was poor',
    labelNames: ['feed', 'quality'] as const,
    registers: [registry],
  })
  const rtt = new Histogram({
    name: 'podium_video_rtt_seconds',
    help: 'Round-trip time viewers reported for the stage’s video',
    labelNames,
    buckets: [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2],
    registers: [registry],
  })
  const loss = new Histogram({
    name: 'podium_video_loss_ratio',
    help: 'Packet loss viewers reported for the stage’s video (0–1)',
    labelNames,
    buckets: [0.005, 0.01, 0.02, 0.05, 0.08, 0.15, 0.3],
    registers: [registry],
  })
  const bitrate = new Histogram({
    name: 'podium_video_bitrate_kbps',
    help: 'Bitrate viewers reported receiving for the stage’s video',
    labelNames,
    buckets: [100, 250, 500, 1000, 1500, 2500, 4000],
    registers: [registry],
  })
  return {
    observe(samples: readonly VideoQualitySample[]): void {
      for (const s of samples) {
        reports.labels(s.feed, isPoorVideo(s) ? 'poor' : 'good').inc()
        if (s.rttMs !== null) rtt.labels(s.feed).observe(s.rttMs / 1000)
        if (s.lossPct !== null) loss.labels(s.feed).observe(s.lossPct / 100)
        if (s.bitrateKbps !== null) bitrate.labels(s.feed).observe(s.bitrateKbps)
      }
    },
  }
}
