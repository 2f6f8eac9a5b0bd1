import type { Rung } from '@podium/shared'
import type { QualitySample } from './stats.ts'

/**
 * Sending quality per viewer: a ladder of encodings (`LADDERS` in shared), stepped down when loss or
 * round-trip time rises and back up once the connection has been healthy for a while.
 */

/** Loss at or over `lossPct`, or round trip at or over `rttMs`, is trouble; under the `healthy` values is healthy. */
export const ADAPT = {
  trouble: { lossPct: 5, rttMs: 400 },
  healthy: { lossPct: 2, rttMs: 250 },
  /** Consecutive troubled samples before stepping down. */
  downAfter: 2,
  /** Consecutive healthy samples before stepping up. */
  upAfter: 5,
} as const

export interface AdaptState {
  rung: number
  troubled: number
  healthy: number
}

export const START: AdaptState = { rung: 0, troubled: 0, healthy: 0 }

/** The next state after one sample (pure; `ladderLength` bounds the rung). */
export function adapt(state: AdaptState, sample: QualitySample, ladderLength: number): AdaptState {
  const { lossPct, rttMs } = sample
  if (lossPct === null && rttMs === null) return state
  const troubled = (lossPct ?? 0) >= ADAPT.trouble.lossPct || (rttMs ?? 0) >= ADAPT.trouble.rttMs
  const healthy = (lossPct ?? 0) < ADAPT.healthy.lossPct && (rttMs ?? 0) < ADAPT.healthy.rttMs
  if (troubled) {
    const count = state.troubled + 1
    if (count >= ADAPT.downAfter && state.rung < ladderLength - 1)
      return { rung: state.rung + 1, troubled: 0, healthy: 0 }
    return { rung: state.rung, troubled: count, healthy: 0 }
  }
  if (healthy) {
    const count = state.healthy + 1
    if (count >= ADAPT.upAfter && state.rung > 0)
      return { rung: state.rung - 1, troubled: 0, healthy: 0 }
    return { rung: state.rung, troubled: 0, healthy: count }
  }
  return { rung: state.rung, troubled: 0, healthy: 0 }
}

/** The part of RTCRtpSender this uses (tests pass their own). */
export interface EncodingSender {
  getParameters(): RTCRtpSendParameters
  setParameters(parameters: RTCRtpSendParameters): Promise<void>
}

/** Applies a rung to a video sender through setParameters (no renegotiation). */
export async function applyRung(sender: EncodingSender, rung: Rung): Promise<void> {
  const parameters = sender.getParameters()
  const encodings = parameters.encodings?.length ? parameters.encodings : [{}]
  const first = encodings[0]!
  if (
    first.maxBitrate === rung.maxBitrate &&
    first.scaleResolutionDownBy === rung.scaleResolutionDownBy &&
    first.maxFramerate === rung.maxFramerate
  ) {
    return
  }
  first.maxBitrate = rung.maxBitrate
  first.scaleResolutionDownBy = rung.scaleResolutionDownBy
  first.maxFramerate = rung.maxFramerate
  parameters.encodings = encodings
  await sender.setParameters(parameters)
}
