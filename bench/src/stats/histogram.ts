import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from 'hdr-histogram-js'

/** Latencies are recorded in microseconds, 3 significant digits, up to 10 minutes. */
export function newHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  })
}

/** Records a latency given in milliseconds (negative clock skew is clamped to 0). */
export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.max(1, Math.round(ms * 1000)))
}

export const encodeHistogram = (h: Histogram): string => encodeIntoCompressedBase64(h)

export function mergeHistograms(encoded: string[]): Histogram {
  const total = newHistogram()
  for (const e of encoded) {
    const h = decodeFromCompressedBase64(e)
    total.add(h)
    h.destroy()
  }
  return total
}

/** What a scenario reports for one latency distribution, in milliseconds. */
export interface LatencySummary {
  count: number
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

const ms = (us: number) => Math.round(us) / 1000

export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 }
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  }
}

export const summarizeEncoded = (encoded: string[]): LatencySummary => {
  const h = mergeHistograms(encoded)
  const summary = summarize(h)
  h.destroy()
  return summary
}
