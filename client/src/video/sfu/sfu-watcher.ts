import {
  type FeedKind,
  type IceServer,
  type SfuFeed,
  SfuRefusal,
  type Substream,
} from '@podium/shared'
import { type Measured, StatsMonitor } from '../quality/monitor.ts'
import { Direction, QualityLevel } from '../quality/stats.ts'
import { FeedState } from '../rtc/feed-watcher.ts'
import { type SfuLink, SfuRefused, type Subscription } from './sfu-link.ts'

export interface SfuWatcherEvents {
  state(state: FeedState): void
  stream(stream: MediaStream | null): void
  measured(measured: Measured): void
  substream(substream: Substream): void
  /** The SFU serves as many viewers of this feed as it may: watch the broadcast instead. */
  full(): void
}

const STATS_INTERVAL_MS = 1000
/** Troubled samples in a row before a lower layer, healthy ones before a higher one. */
const DOWN_AFTER = 2
const UP_AFTER = 5

/** The layer to start with for a tile this wide (CSS pixels): no more than it shows. */
export function startingSubstream(tileWidth: number): Substream {
  if (tileWidth > 0 && tileWidth <= 320) return 0
  if (tileWidth > 0 && tileWidth <= 640) return 1
  return 2
}

/**
 * Steps the layer down after DOWN_AFTER poor samples (loss or round trip) and back up
 * after UP_AFTER good ones; the SFU then forwards that layer. Pure, for tests.
 */
export function nextSubstream(
  current: Substream,
  level: QualityLevel,
  streak: { poor: number; good: number },
  ceiling: Substream,
): { substream: Substream; streak: { poor: number; good: number } } {
  const poor = level === QualityLevel.poor ? streak.poor + 1 : 0
  const good = level === QualityLevel.good ? streak.good + 1 : 0
  if (poor >= DOWN_AFTER && current > 0)
    return { substream: (current - 1) as Substream, streak: { poor: 0, good: 0 } }
  if (good >= UP_AFTER && current < ceiling)
    return { substream: (current + 1) as Substream, streak: { poor: 0, good: 0 } }
  return { substream: current, streak: { poor, good } }
}

/**
 * Watches one publisher's feed through the SFU: subscribes while the feed is published
 * there, says "disconnected" while it is not (page closed, left) and subscribes again
 * when it returns; picks the simulcast layer from the link's quality.
 */
export class SfuWatcher {
  private subscription: Subscription | null = null
  private monitor: StatsMonitor | null = null
  private subscribing = false
  private current: FeedState = FeedState.connecting
  private substream: Substream
  private streak = { poor: 0, good: 0 }
  private stopped = false

  constructor(
    private readonly link: () => SfuLink | null,
    readonly target: { sessionId: string; userId: string; feed: FeedKind },
    private readonly iceServers: () => Promise<IceServer[]>,
    private readonly ceiling: Substream,
    private readonly events: SfuWatcherEvents,
  ) {
    this.substream = ceiling
  }

  get state(): FeedState {
    return this.current
  }

  private set(state: FeedState) {
    if (this.current === state) return
    this.current = state
    this.events.state(state)
  }

  /** The SFU's list of published feeds changed (or the link opened). */
  sync(feeds: SfuFeed[]): void {
    if (this.stopped) return
    const published = feeds.some(
      (f) => f.userId === this.target.userId && f.feed === this.target.feed,
    )
    if (!published) {
      this.teardown()
      this.set(FeedState.disconnected)
      return
    }
    if (!this.subscription && !this.subscribing) void this.subscribe()
  }

  private async subscribe() {
    const link = this.link()
    if (!link || link.closed) return
    this.subscribing = true
    if (this.current !== FeedState.live) this.set(FeedState.connecting)
    try {
      const servers = await this.iceServers()
      const subscription = await link.subscribe(
        this.target,
        servers,
        (stream) => {
          if (this.stopped) return
          this.events.stream(stream)
          this.set(FeedState.live)
        },
        () => {
          if (this.subscription?.pc !== subscription.pc) return
          this.teardown()
          this.set(FeedState.disconnected)
        },
      )
      if (this.stopped) return subscription.close()
      this.subscription = subscription
      if (this.substream !== 2) subscription.setSubstream(this.substream)
      this.events.substream(this.substream)
      this.monitor = new StatsMonitor(
        subscription.pc,
        Direction.receive,
        STATS_INTERVAL_MS,
        (measured) => this.measured(measured),
      )
    } catch (error) {
      if (error instanceof SfuRefused && error.code === SfuRefusal.full) {
        if (!this.stopped) this.events.full()
        return
      }
      if (!this.stopped) this.set(FeedState.reconnecting)
      // Tried again on the next feed list, or shortly.
      setTimeout(() => {
        if (!this.stopped && !this.subscription) this.sync(this.link()?.feeds ?? [])
      }, 2000)
    } finally {
      this.subscribing = false
    }
  }

  private measured(measured: Measured) {
    this.events.measured(measured)
    const next = nextSubstream(this.substream, measured.level, this.streak, this.ceiling)
    this.streak = next.streak
    if (next.substream !== this.substream) {
      this.substream = next.substream
      this.subscription?.setSubstream(next.substream)
      this.events.substream(next.substream)
    }
  }

  private teardown() {
    this.monitor?.stop()
    this.monitor = null
    const subscription = this.subscription
    this.subscription = null
    subscription?.close()
    this.events.stream(null)
  }

  stop(): void {
    this.stopped = true
    this.teardown()
    this.current = FeedState.stopped
  }
}
