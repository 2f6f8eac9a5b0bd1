import type { BroadcastStatus } from '@podium/shared'
import { describe, expect, it, vi } from 'vitest'
import { BroadcastWatcher, broadcastFeedState } from '../../../src/video/hls/broadcast-watcher.ts'
import { FeedState } from '../../../src/video/rtc/feed-watcher.ts'

const status = (patch: Partial<BroadcastStatus> = {}): BroadcastStatus => ({
  state: 'live',
  source: { userId: 'host0001', feed: 'camera' },
  playlist: '/broadcast/hls/AAAAAAAAAAAAAAAAAAAAAA/index.m3u8',
  startedAt: 1,
  reason: null,
  ...patch,
})

describe('broadcastFeedState', () => {
  it('is live only while the broadcast shows this publisher', () => {
    expect(broadcastFeedState(status(), 'host0001')).toBe(FeedState.live)
    expect(broadcastFeedState(status({ state: 'starting', playlist: null }), 'host0001')).toBe(
      FeedState.connecting,
    )
    expect(broadcastFeedState(status(), 'pres0002')).toBe(FeedState.full)
    expect(
      broadcastFeedState(
        status({ state: 'off', source: null, playlist: null, reason: 'x' }),
        'host0001',
      ),
    ).toBe(FeedState.full)
    expect(broadcastFeedState(null, 'host0001')).toBe(FeedState.full)
  })
})

describe('BroadcastWatcher', () => {
  it('hands the tile the playlist while live, and takes it away when the broadcast stops', () => {
    const state = vi.fn()
    const broadcast = vi.fn()
    const watcher = new BroadcastWatcher('host0001', { state, broadcast })
    watcher.sync(status({ state: 'starting', playlist: null }))
    expect(broadcast).toHaveBeenLastCalledWith(expect.objectContaining({ playlist: null }))
    watcher.sync(status())
    expect(state).toHaveBeenLastCalledWith(FeedState.live)
    expect(broadcast).toHaveBeenLastCalledWith(
      expect.objectContaining({ playlist: '/broadcast/hls/AAAAAAAAAAAAAAAAAAAAAA/index.m3u8' }),
    )
    const off = status({ state: 'off', source: null, playlist: null, reason: 'The host stopped.' })
    watcher.sync(off)
    expect(state).toHaveBeenLastCalledWith(FeedState.full)
    expect(broadcast).toHaveBeenLastCalledWith({ status: off, playlist: null })
    watcher.stop()
    watcher.sync(status())
    // Starting is where it began (connecting): two changes, live and off; none after stop.
    expect(state).toHaveBeenCalledTimes(2)
  })
})
