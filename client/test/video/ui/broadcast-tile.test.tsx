import { type BroadcastStatus, FeedKind } from '@podium/shared'
import { render, screen, waitFor } from '@solidjs/testing-library'
import { describe, expect, it, vi } from 'vitest'
import { broadcastFeedState } from '../../../src/video/hls/broadcast-watcher.ts'
import type { FeedView } from '../../../src/video/state/watch-state.ts'
import { FeedTile } from '../../../src/video/ui/FeedTile.tsx'
import { Look, lookClasses } from '../../../src/video/ui/look.ts'

const view = (status: BroadcastStatus | null): FeedView => ({
  key: 'host0001:camera',
  seat: {
    userId: 'host0001',
    name: 'Hana',
    role: 'host',
    peerId: 'pd-00-00-stage',
    since: 1,
    screen: 'off',
    camera: true,
    microphone: true,
    audience: 8,
    cap: 8,
    sfu: true,
  },
  feed: FeedKind.camera,
  state: broadcastFeedState(status, 'host0001'),
  stream: null,
  measured: null,
  sfu: null,
  broadcast: { status, playlist: status?.state === 'live' ? status.playlist : null },
})
const classes = lookClasses(Look.room)

describe('FeedTile through the broadcast', () => {
  it('notes that the picture runs a few seconds behind', () => {
    render(() => <FeedTile view={() => view(null)} classes={classes} />)
    const tile = screen.getByTestId('stage-feed')
    expect(tile.getAttribute('data-path')).toBe('broadcast')
    expect(screen.getByText('broadcast · a few seconds behind')).toBeTruthy()
  })

  it('says clearly when the broadcast is not running, and why', () => {
    const off: BroadcastStatus = {
      state: 'off',
      source: null,
      playlist: null,
      startedAt: null,
      reason: 'The host stopped the broadcast.',
    }
    render(() => <FeedTile view={() => view(off)} classes={classes} />)
    expect(
      screen.getByText(
        /^The broadcast is not running\. The host stopped the broadcast\. The media server is full.*questions and polls keep working\.$/,
      ),
    ).toBeTruthy()
  })

  it('says the broadcast is starting', () => {
    const starting: BroadcastStatus = {
      state: 'starting',
      source: { userId: 'host0001', feed: 'camera' },
      playlist: null,
      startedAt: 1,
      reason: null,
    }
    render(() => <FeedTile view={() => view(starting)} classes={classes} />)
    expect(screen.getByText(/the broadcast of Hana is starting, a few seconds behind/)).toBeTruthy()
  })

  it('says live only once frames play, and starting again when the player starts over', async () => {
    // The browser's own HLS player (no Media Source Extensions here), as on older iPhones.
    vi.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockReturnValue('maybe')
    vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue()
    vi.spyOn(HTMLMediaElement.prototype, 'load').mockReturnValue()
    const live: BroadcastStatus = {
      state: 'live',
      source: { userId: 'host0001', feed: 'camera' },
      playlist: '/broadcast/hls/AAAAAAAAAAAAAAAAAAAAAA/index.m3u8',
      startedAt: 1,
      reason: null,
    }
    const { unmount } = render(() => <FeedTile view={() => view(live)} classes={classes} />)
    const tile = screen.getByTestId('stage-feed')
    const video = tile.querySelector('video')!
    await waitFor(() => expect(video.getAttribute('src')).toBe(live.playlist))
    expect(tile.getAttribute('data-state')).toBe('connecting')
    expect(screen.getByText(/the broadcast of Hana is starting/)).toBeTruthy()

    // Frames decoded and the position moving on: now it is live.
    const now = { time: 0 }
    Object.defineProperties(video, {
      currentTime: { get: () => now.time },
      paused: { get: () => false },
      readyState: { get: () => 4 },
      getVideoPlaybackQuality: { value: () => ({ totalVideoFrames: 25 }) },
    })
    for (const time of [3, 3.5]) {
      now.time = time
      video.dispatchEvent(new Event('timeupdate'))
    }
    await waitFor(() => expect(tile.getAttribute('data-state')).toBe('live'))
    expect(screen.queryByText(/is starting/)).toBeNull()

    // The stream fails: the player loads it again a second later, and the tile waits for frames.
    vi.useFakeTimers()
    video.dispatchEvent(new Event('error'))
    vi.advanceTimersByTime(1000)
    vi.useRealTimers()
    await waitFor(() => expect(tile.getAttribute('data-state')).toBe('connecting'))
    unmount()
    vi.restoreAllMocks()
  })
})
