/**
 * Connection quality from `RTCPeerConnection.getStats()`: round-trip time, packet
 * loss, jitter, bitrate and frame rate of the video, from the sending or the
 * receiving side, and a three-level verdict for the indicator.
 */

export interface StatsRecord {
  type: string
  timestamp: number
  [field: string]: unknown
}

export interface QualitySample {
  rttMs: number | null
  /** Packets lost in the last interval, percent. */
  lossPct: number | null
  jitterMs: number | null
  bitrateKbps: number | null
  fps: number | null
  width: number | null
  height: number | null
  /** Receiving side: frames decoded so far (a stalled count means a frozen picture). */
  framesDecoded: number | null
}

/** Counters carried from one sample to the next, to turn totals into rates. */
export interface Counters {
  at: number
  bytes: number
  packetsLost: number
  packetsReceived: number
}

export const Direction = { send: 'send', receive: 'receive' } as const
export type Direction = (typeof Direction)[keyof typeof Direction]

const num = (record: StatsRecord | undefined, field: string): number | null => {
  const value = record?.[field]
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

function videoRecord(records: StatsRecord[], type: string): StatsRecord | undefined {
  const matching = records.filter(
    (r) => r.type === type && (r.kind === 'video' || r.mediaType === 'video'),
  )
  // Several (simulcast, or a replaced track): the one carrying the most bytes.
  return matching.sort(
    (a, b) =>
      (num(b, 'bytesSent') ?? num(b, 'bytesReceived') ?? 0) -
      (num(a, 'bytesSent') ?? num(a, 'bytesReceived') ?? 0),
  )[0]
}

function selectedPair(records: StatsRecord[]): StatsRecord | undefined {
  const transport = records.find(
    (r) => r.type === 'transport' && typeof r.selectedCandidatePairId === 'string',
  )
  if (transport)
    return records.find(
      (r) => r.type === 'candidate-pair' && r.id === transport.selectedCandidatePairId,
    )
  return records.find(
    (r) => r.type === 'candidate-pair' && r.nominated === true && r.state === 'succeeded',
  )
}

/** One sample from a stats report, given the previous sample's counters (null at first). */
export function sampleStats(
  direction: Direction,
  report: Iterable<StatsRecord>,
  previous: Counters | null,
): { sample: QualitySample; counters: Counters | null } {
  const records = [...report]
  const pair = selectedPair(records)
  const pairRtt = num(pair, 'currentRoundTripTime')
  const rtp = videoRecord(records, direction === Direction.send ? 'outbound-rtp' : 'inbound-rtp')
  if (!rtp) {
    return {
      sample: { ...EMPTY, rttMs: pairRtt === null ? null : pairRtt * 1000 },
      counters: null,
    }
  }
  const bytes = num(rtp, direction === Direction.send ? 'bytesSent' : 'bytesReceived') ?? 0
  const remote =
    direction === Direction.send
      ? (records.find((r) => r.type === 'remote-inbound-rtp' && r.localId === rtp.id) ??
        videoRecord(records, 'remote-inbound-rtp'))
      : undefined
  const packetsLost = num(direction === Direction.send ? remote : rtp, 'packetsLost') ?? 0
  const packetsReceived = direction === Direction.receive ? (num(rtp, 'packetsReceived') ?? 0) : 0
  const counters: Counters = { at: rtp.timestamp, bytes, packetsLost, packetsReceived }
  const seconds = previous ? (counters.at - previous.at) / 1000 : 0

  let lossPct: number | null = null
  if (direction === Direction.send) {
    const fraction = num(remote, 'fractionLost')
    lossPct = fraction === null ? null : fraction * 100
  } else if (previous) {
    const lost = Math.max(0, packetsLost - previous.packetsLost)
    const received = Math.max(0, packetsReceived - previous.packetsReceived)
    lossPct = lost + received > 0 ? (lost / (lost + received)) * 100 : 0
  }
  const jitter = num(direction === Direction.send ? remote : rtp, 'jitter')
  const remoteRtt = num(remote, 'roundTripTime')
  const rtt = pairRtt ?? remoteRtt
  return {
    sample: {
      rttMs: rtt === null ? null : rtt * 1000,
      lossPct,
      jitterMs: jitter === null ? null : jitter * 1000,
      bitrateKbps: previous && seconds > 0 ? ((bytes - previous.bytes) * 8) / seconds / 1000 : null,
      fps: num(rtp, 'framesPerSecond'),
      width: num(rtp, 'frameWidth'),
      height: num(rtp, 'frameHeight'),
      framesDecoded: direction === Direction.receive ? num(rtp, 'framesDecoded') : null,
    },
    counters,
  }
}

const EMPTY: QualitySample = {
  rttMs: null,
  lossPct: null,
  jitterMs: null,
  bitrateKbps: null,
  fps: null,
  width: null,
  height: null,
  framesDecoded: null,
}

export const QualityLevel = {
  good: 'good',
  fair: 'fair',
  poor: 'poor',
  unknown: 'unknown',
} as const
export type QualityLevel = (typeof QualityLevel)[keyof typeof QualityLevel]

/** Thresholds of the three levels (loss in percent, times in milliseconds). */
export const THRESHOLDS = {
  fair: { lossPct: 2, rttMs: 250, jitterMs: 30 },
  poor: { lossPct: 8, rttMs: 500, jitterMs: 80 },
} as const

/** Good, fair or poor: the worst of loss, round-trip time and jitter decides. */
export function qualityLevel(sample: QualitySample): QualityLevel {
  const { lossPct, rttMs, jitterMs } = sample
  if (lossPct === null && rttMs === null && jitterMs === null) return QualityLevel.unknown
  const over = (limits: { lossPct: number; rttMs: number; jitterMs: number }) =>
    (lossPct ?? 0) >= limits.lossPct ||
    (rttMs ?? 0) >= limits.rttMs ||
    (jitterMs ?? 0) >= limits.jitterMs
  if (over(THRESHOLDS.poor)) return QualityLevel.poor
  if (over(THRESHOLDS.fair)) return QualityLevel.fair
  return QualityLevel.good
}

export function levelLabel(level: QualityLevel): string {
  switch (level) {
    case QualityLevel.good:
      return 'Good connection'
    case QualityLevel.fair:
      return 'Fair connection'
    case QualityLevel.poor:
      return 'Poor connection'
    case QualityLevel.unknown:
      return 'Measuring connection'
    default: {
      const unknown: never = level
      throw new Error(`unknown level ${String(unknown)}`)
    }
  }
}
