import { describe, expect, it, vi } from 'vitest'
import { onceShown } from '../../../src/video/hls/shown.ts'

/** A video element whose playback the test sets, as the browser would. */
function video(state: { paused?: boolean; readyState?: number; frames?: number } = {}) {
  const element = document.createElement('video')
  const now = { time: 0, paused: state.paused ?? false, readyState: state.readyState ?? 4 }
  let frames = state.frames ?? 0
  Object.defineProperties(element, {
    currentTime: { get: () => now.time },
    paused: { get: () => now.paused },
    seeking: { get: () => false },
    readyState: { get: () => now.readyState },
    getVideoPlaybackQuality: { value: () => ({ totalVideoFrames: frames }) },
  })
  const tick = (time: number, decoded = frames) => {
    now.time = time
    frames = decoded
    element.dispatchEvent(new Event('timeupdate'))
  }
  return { element, now, tick }
}

describe('onceShown', () => {
  it('waits for decoded frames and a position that moves on', () => {
    const { element, tick } = video()
    const shown = vi.fn()
    onceShown(element, shown)
    tick(4.0)
    tick(4.2, 0)
    expect(shown).not.toHaveBeenCalled()
    tick(4.4, 5)
    expect(shown).toHaveBeenCalledTimes(1)
    tick(4.6, 10)
    expect(shown).toHaveBeenCalledTimes(1)
  })

  it('does not count a paused video, or one with no current frame (a failed stream)', () => {
    const { element, now, tick } = video({ paused: true, readyState: 4, frames: 0 })
    const shown = vi.fn()
    onceShown(element, shown)
    tick(0)
    tick(1, 3)
    expect(shown).not.toHaveBeenCalled()
    now.paused = false
    now.readyState = 1
    tick(2, 3)
    tick(3, 3)
    expect(shown).not.toHaveBeenCalled()
    now.readyState = 4
    tick(3.5)
    tick(4)
    expect(shown).toHaveBeenCalledTimes(1)
  })

  it('stops watching when told', () => {
    const { element, tick } = video({ frames: 1 })
    const shown = vi.fn()
    const stop = onceShown(element, shown)
    tick(1)
    stop()
    tick(2)
    expect(shown).not.toHaveBeenCalled()
  })
})
