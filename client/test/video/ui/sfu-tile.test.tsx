import { FeedKind } from '@podium/shared'
import { render, screen } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { FeedState } from '../../../src/video/rtc/feed-watcher.ts'
import type { SfuLayer } from '../../../src/video/sfu/sfu-watcher.ts'
import type { FeedView } from '../../../src/video/state/watch-state.ts'
import { FeedTile } from '../../../src/video/ui/FeedTile.tsx'
import { Look, lookClasses } from '../../../src/video/ui/look.ts'

const view = (sfu: SfuLayer): FeedView => ({
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
  state: FeedState.live,
  stream: null,
  measured: null,
  sfu,
})
const classes = lookClasses(Look.room)

describe('FeedTile through the SFU', () => {
  it('names the layer Janus forwards, not the one asked for, and says when it is switching', () => {
    const cases: Array<[SfuLayer, string, string | null]> = [
      [{ wanted: 2, forwarded: null }, 'via SFU · switching to high…', null],
      [{ wanted: 2, forwarded: 2 }, 'via SFU · high', '2'],
      [{ wanted: 0, forwarded: 2 }, 'via SFU · high, switching to low…', '2'],
      [{ wanted: 0, forwarded: 0 }, 'via SFU · low', '0'],
      [{ wanted: 1, forwarded: 0 }, 'via SFU · low, switching to medium…', '0'],
    ]
    for (const [layer, text, shown] of cases) {
      const { unmount } = render(() => <FeedTile view={() => view(layer)} classes={classes} />)
      expect(screen.getByText(text)).toBeTruthy()
      const tile = screen.getByTestId('stage-feed')
      expect(tile.getAttribute('data-path')).toBe('sfu')
      expect(tile.getAttribute('data-layer')).toBe(shown)
      expect(tile.getAttribute('data-layer-wanted')).toBe(String(layer.wanted))
      unmount()
    }
  })
})
