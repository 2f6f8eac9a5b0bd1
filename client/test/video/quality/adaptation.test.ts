import { LADDERS } from '@podium/shared'
import { describe, expect, it } from 'vitest'
import {
  ADAPT,
  adapt,
  applyRung,
  type EncodingSender,
  START,
} from '../../../src/video/quality/adaptation.ts'
import type { QualitySample } from '../../../src/video/quality/stats.ts'

const sample = (lossPct: number | null, rttMs: number | null): QualitySample => ({
  rttMs,
  lossPct,
  jitterMs: null,
  bitrateKbps: null,
  fps: null,
  width: null,
  height: null,
  framesDecoded: null,
})
const run = (samples: QualitySample[], length = LADDERS.camera.length) =>
  samples.reduce((state, s) => adapt(state, s, length), START)

describe('adapt', () => {
  it('steps down after consecutive troubled samples, one rung at a time', () => {
    const bad = sample(ADAPT.trouble.lossPct, 50)
    expect(run([bad]).rung).toBe(0)
    expect(run(Array(ADAPT.downAfter).fill(bad)).rung).toBe(1)
    expect(run(Array(ADAPT.downAfter * 2).fill(bad)).rung).toBe(2)
    expect(run(Array(ADAPT.downAfter * 10).fill(bad)).rung).toBe(LADDERS.camera.length - 1)
    expect(run(Array(ADAPT.downAfter).fill(sample(0, ADAPT.trouble.rttMs))).rung).toBe(1)
  })

  it('steps back up only after a healthy stretch, and an in-between sample resets the count', () => {
    const bad = sample(20, 50)
    const good = sample(0, 40)
    const down = run([bad, bad, bad, bad])
    expect(down.rung).toBe(2)
    const almost = Array(ADAPT.upAfter - 1).fill(good)
    expect(almost.reduce((s, x) => adapt(s, x, 4), down).rung).toBe(2)
    expect([...almost, good].reduce((s, x) => adapt(s, x, 4), down).rung).toBe(1)
    const interrupted = [...almost, sample(3, 40), good].reduce((s, x) => adapt(s, x, 4), down)
    expect(interrupted.rung).toBe(2)
  })

  it('ignores samples without loss or round trip', () => {
    expect(adapt({ rung: 1, troubled: 1, healthy: 0 }, sample(null, null), 4)).toEqual({
      rung: 1,
      troubled: 1,
      healthy: 0,
    })
  })
})

describe('applyRung', () => {
  it('sets bitrate, scale and frame rate through setParameters, and skips no-op changes', async () => {
    let parameters = {
      encodings: [{ active: true }],
      transactionId: 't1',
    } as unknown as RTCRtpSendParameters
    let sets = 0
    const sender: EncodingSender = {
      getParameters: () => structuredClone(parameters),
      setParameters: async (next) => {
        sets++
        parameters = next
      },
    }
    await applyRung(sender, LADDERS.camera[2]!)
    expect(parameters.encodings[0]).toMatchObject({ active: true, ...LADDERS.camera[2] })
    await applyRung(sender, LADDERS.camera[2]!)
    expect(sets).toBe(1)
  })
})
