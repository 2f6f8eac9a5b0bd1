import { BroadcastState, type BroadcastStatus } from '@podium/shared'
import { FeedState } from '../rtc/feed-watcher.ts'

/** What a viewer past the SFU's cap sees of one publisher: the broadcast, when it shows them. */
export interface BroadcastView {
  status: BroadcastStatus | null
  /** The playlist to play, while the broadcast shows this publisher. */
  playlist: string | null
}

/** The tile's state for a publisher watched through the broadcast. Pure, for tests. */
export function broadcastFeedState(status: BroadcastStatus | null, userId: string): FeedState {
  if (!status || status.source?.userId !== userId) return FeedState.full
  switch (status.state) {
    case BroadcastState.live:
      return FeedState.live
    case BroadcastState.starting:
      return FeedState.connecting
    case BroadcastState.off:
      return FeedState.full
    default: {
      const unknown: never = status.state
      throw new Error(`unknown broadcast state ${String(unknown)}`)
    }
  }
}

/**
 * Watches one publisher's camera through the session's HLS broadcast, for a viewer the
 * SFU turned away (`sfu-full`): follows the broadcast's status from the `/sfu` link;
 * the tile plays the playlist while the broadcast shows this publisher.
 */
export class BroadcastWatcher {
  private stopped = false
  private current: FeedState = FeedState.connecting

  constructor(
    readonly userId: string,
    private readonly events: {
      state(state: FeedState): void
      broadcast(view: BroadcastView): void
    },
  ) {}

  get state(): FeedState {
    return this.current
  }

  sync(status: BroadcastStatus | null): void {
    if (this.stopped) return
    const state = broadcastFeedState(status, this.userId)
    const playlist = state === FeedState.live ? (status?.playlist ?? null) : null
    this.events.broadcast({ status, playlist })
    if (state !== this.current) {
      this.current = state
      this.events.state(state)
    }
  }

  stop(): void {
    this.stopped = true
    this.current = FeedState.stopped
  }
}
