import { describe, expect, it } from 'vitest'
import {
  Direction,
  QualityLevel,
  type QualitySample,
  qualityLevel,
  type StatsRecord,
  sampleStats,
} from '../../../src/video/quality/stats.ts'

const pair = (rttS: number): StatsRecord[] => [
  { type: 'transport', id: 'T1', timestamp: 0, selectedCandidatePairId: 'CP1' },
  {
    type: 'candidate-pair',
    id: 'CP1',
    timestamp: 0,
    currentRoundTripTime: rttS,
    nominated: true,
    state: 'succeeded',
  },
]

const inbound = (
  at: number,
  bytes: number,
  lost: number,
  received: number,
  extra: Record<string, unknown> = {},
): StatsRecord => ({
  type: 'inbound-rtp',
  id: 'IT1',
  kind: 'video',
  timestamp: at,
  bytesReceived: bytes,
  packetsLost: lost,
  packetsReceived: received,
  jitter: 0.012,
  framesPerSecond: 29,
  frameWidth: 960,
  frameHeight: 540,
  framesDecoded: 300,
  ...extra,
})

describe('sampleStats', () => {
  it('turns receiving totals into rates between two samples', () => {
    const first = sampleStats(
      Direction.receive,
      [...pair(0.04), inbound(1000, 100_000, 0, 1000)],
      null,
    )
    expect(first.sample).toMatchObject({
      rttMs: 40,
      bitrateKbps: null,
      lossPct: null,
      fps: 29,
      width: 960,
    })
    const second = sampleStats(
      Direction.receive,
      [...pair(0.05), inbound(3000, 350_000, 10, 1490)],
      first.counters,
    )
    expect(second.sample.bitrateKbps).toBeCloseTo(1000)
    expect(second.sample.lossPct).toBeCloseTo(2)
    expect(second.sample.jitterMs).toBeCloseTo(12)
    expect(second.sample.rttMs).toBeCloseTo(50)
    expect(second.sample.framesDecoded).toBe(300)
  })

  it('reads loss, jitter and round trip of the sending side from the receiver report', () => {
    const outbound = (at: number, bytes: number): StatsRecord => ({
      type: 'outbound-rtp',
      id: 'OT1',
      kind: 'video',
      timestamp: at,
      bytesSent: bytes,
      framesPerSecond: 30,
      frameWidth: 640,
      frameHeight: 360,
    })
    const remote: StatsRecord = {
      type: 'remote-inbound-rtp',
      id: 'RI1',
      kind: 'video',
      localId: 'OT1',
      timestamp: 0,
      fractionLost: 0.07,
      jitter: 0.03,
      roundTripTime: 0.2,
      packetsLost: 12,
    }
    const first = sampleStats(Direction.send, [outbound(0, 0), remote], null)
    const second = sampleStats(Direction.send, [outbound(2000, 250_000), remote], first.counters)
    expect(second.sample).toMatchObject({ rttMs: 200, fps: 30, width: 640, framesDecoded: null })
    expect(second.sample.lossPct).toBeCloseTo(7)
    expect(second.sample.jitterMs).toBeCloseTo(30)
    expect(second.sample.bitrateKbps).toBeCloseTo(1000)
  })

  it('has only the round trip before any video flows', () => {
    const { sample, counters } = sampleStats(Direction.receive, pair(0.1), null)
    expect(counters).toBeNull()
    expect(sample).toMatchObject({ rttMs: 100, lossPct: null, bitrateKbps: null, fps: null })
  })
})

describe('qualityLevel', () => {
  const sample = (s: Partial<QualitySample>): QualitySample => ({
    rttMs: null,
    lossPct: null,
    jitterMs: null,
    bitrateKbps: null,
    fps: null,
    width: null,
    height: null,
    framesDecoded: null,
    ...s,
  })

  it('is decided by the worst of loss, round trip and jitter', () => {
    expect(qualityLevel(sample({}))).toBe(QualityLevel.unknown)
    expect(qualityLevel(sample({ rttMs: 30, lossPct: 0, jitterMs: 5 }))).toBe(QualityLevel.good)
    expect(qualityLevel(sample({ rttMs: 30, lossPct: 3, jitterMs: 5 }))).toBe(QualityLevel.fair)
    expect(qualityLevel(sample({ rttMs: 300, lossPct: 0 }))).toBe(QualityLevel.fair)
    expect(qualityLevel(sample({ rttMs: 30, lossPct: 0, jitterMs: 90 }))).toBe(QualityLevel.poor)
    expect(qualityLevel(sample({ rttMs: 600 }))).toBe(QualityLevel.poor)
    expect(qualityLevel(sample({ lossPct: 12 }))).toBe(QualityLevel.poor)
  })
})
