import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LayerSwitch } from '../src/sfu/layer-switch.ts'

// A viewer's layer switch is seen through: the publisher is asked for a keyframe again
// until Janus reports the new layer, and no longer after that, nor forever.
const options = { retryMs: 500, tries: 4 }

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('LayerSwitch', () => {
  it('asks for a keyframe every retryMs until Janus forwards the wanted layer', async () => {
    const keyframe = vi.fn(async () => undefined)
    const layers = new LayerSwitch(keyframe, options)
    layers.want(0)
    await vi.advanceTimersByTimeAsync(400)
    expect(keyframe).toHaveBeenCalledTimes(0)
    await vi.advanceTimersByTimeAsync(1100)
    expect(keyframe).toHaveBeenCalledTimes(3)
    // Another layer forwarded (the one left behind) does not end it; the wanted one does.
    layers.forwarded(1)
    await vi.advanceTimersByTimeAsync(500)
    expect(keyframe).toHaveBeenCalledTimes(4)
    layers.forwarded(0)
    expect(layers.pending).toBe(false)
    await vi.advanceTimersByTimeAsync(5000)
    expect(keyframe).toHaveBeenCalledTimes(4)
  })

  it('gives up after its tries: a layer the publisher does not send never comes', async () => {
    const keyframe = vi.fn(async () => undefined)
    const layers = new LayerSwitch(keyframe, options)
    layers.want(2)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(keyframe).toHaveBeenCalledTimes(4)
    expect(layers.pending).toBe(false)
  })

  it('starts its count again for a new wish, and stops when the subscription ends', async () => {
    const keyframe = vi.fn(async () => {
      throw new Error('the publisher left')
    })
    const layers = new LayerSwitch(keyframe, options)
    layers.want(1)
    await vi.advanceTimersByTimeAsync(1500)
    layers.want(0)
    await vi.advanceTimersByTimeAsync(1500)
    expect(keyframe).toHaveBeenCalledTimes(6)
    layers.stop()
    await vi.advanceTimersByTimeAsync(5000)
    expect(keyframe).toHaveBeenCalledTimes(6)
  })
})
