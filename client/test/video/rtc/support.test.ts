import { describe, expect, it, vi } from 'vitest'
import { backoffDelay, Retrier } from '../../../src/video/rtc/backoff.ts'
import {
  blockerText,
  mediaErrorBlocker,
  publishBlocker,
  VideoBlocker,
  watchBlocker,
} from '../../../src/video/rtc/support.ts'

describe('fallback reasons', () => {
  const rtc = function RTCPeerConnection() {}
  const media = { getUserMedia: () => undefined }

  it('says why this browser cannot watch or publish', () => {
    expect(watchBlocker({})).toBe(VideoBlocker.noWebRTC)
    expect(watchBlocker({ RTCPeerConnection: rtc })).toBeNull()
    expect(publishBlocker({ RTCPeerConnection: rtc, isSecureContext: false })).toBe(
      VideoBlocker.insecure,
    )
    expect(publishBlocker({ RTCPeerConnection: rtc, isSecureContext: true, navigator: {} })).toBe(
      VideoBlocker.noMediaDevices,
    )
    expect(
      publishBlocker({
        RTCPeerConnection: rtc,
        isSecureContext: true,
        navigator: { mediaDevices: media },
      }),
    ).toBeNull()
  })

  it('maps media errors to reasons a person can act on, and always says Q&A goes on', () => {
    const named = (name: string) => Object.assign(new Error(name), { name })
    expect(mediaErrorBlocker(named('NotAllowedError'))).toBe(VideoBlocker.permissionDenied)
    expect(mediaErrorBlocker(named('NotFoundError'))).toBe(VideoBlocker.noDevice)
    expect(mediaErrorBlocker(named('NotReadableError'))).toBe(VideoBlocker.deviceBusy)
    expect(mediaErrorBlocker(named('TypeError'))).toBe(VideoBlocker.mediaFailed)
    expect(mediaErrorBlocker(named('NotAllowedError'), true)).toBe(VideoBlocker.screenDenied)
    expect(blockerText(VideoBlocker.permissionDenied)).toMatch(
      /site settings.*Questions and polls keep working/,
    )
    for (const blocker of Object.values(VideoBlocker))
      expect(blockerText(blocker).length).toBeGreaterThan(20)
  })
})

describe('backoff', () => {
  it('doubles from the base with jitter, up to the cap', () => {
    const low = { random: () => 0, baseMs: 500, maxMs: 8000 }
    const high = { random: () => 1, baseMs: 500, maxMs: 8000 }
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, high))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000,
    ])
    expect([0, 1, 2].map((n) => backoffDelay(n, low))).toEqual([250, 500, 1000])
  })

  it('retries one at a time and starts over after a reset', () => {
    vi.useFakeTimers()
    try {
      let runs = 0
      const retry = new Retrier(() => runs++, { baseMs: 100, maxMs: 1000, random: () => 1 })
      expect(retry.schedule()).toBe(100)
      expect(retry.schedule()).toBe(200)
      vi.advanceTimersByTime(199)
      expect(runs).toBe(0)
      vi.advanceTimersByTime(1)
      expect(runs).toBe(1)
      retry.reset()
      expect(retry.schedule()).toBe(100)
      retry.cancel()
      vi.advanceTimersByTime(1000)
      expect(runs).toBe(1)
    } finally {
      vi.useRealTimers()
    }
  })
})
