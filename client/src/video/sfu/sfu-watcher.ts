import {
  type FeedKind,
  type IceServer,
  type SfuFeed,
  SfuRefusal,
  type Substream,
} from '@podium/shared'
import { type Measured, StatsMonitor } from '../quality/monitor.ts'
import { Direction, QualityLevel } from '../quality/stats.ts'
import { backoffDelay } from '../rtc/backoff.ts'
import { FeedState } from '../rtc/feed-watcher.ts'
import { type SfuLink, SfuRefused, type Subscription } from './sfu-link.ts'

/** The layer a viewer asked the SFU for, and the one Janus forwards (null: none yet). */
export interface SfuLayer {
  wanted: Substream
  forwarded: Substream | null
}

export interface SfuWatcherEvents {
  state(state: FeedState): void
  stream(stream: MediaStream | null): void
  measured(measured: Measured): void
  layer(layer: SfuLayer): void
  /** The SFU serves as many viewers of this feed as it may: watch the broadcast instead. */
  full(): void
}

const STATS_INTERVAL_MS = 1000
/** Troubled samples in a row before a lower layer, healthy ones before a higher one. */
const DOWN_AFTER = 2
const UP_AFTER = 5

/**
 * Subscribing again after Janus hung up (or a subscribe failed) while the feed is still
 * published: 0.5 s doubling to 8 s, at most 8 times in a row; then the watcher waits for
 * the feed list to change (or the link to open again). A connection that comes up
 * resets the count.
 */
export const RESUBSCRIBE = { baseMs: 500, maxMs: 8000, tries: 8 } as const

/** The wait before subscribe attempt `attempt` (0 first), or null once the tries are spent. */
export function resubscribeDelay(
  attempt: number,
  random: () => number = Math.random,
): number | null {
  if (attempt >= RESUBSCRIBE.tries) return null
  return backoffDelay(attempt, { baseMs: RESUBSCRIBE.baseMs, maxMs: RESUBSCRIBE.maxMs, random })
}

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
 * when it returns; subscribes again by itself, with backoff, when Janus hangs up a
 * subscription whose feed is still published or its connection fails; picks the
 * simulcast layer from the link's quality and reports the layer Janus forwards.
 */
export class SfuWatcher {
  private subscription: Subscription | null = null
  private monitor: StatsMonitor | null = null
  private subscribing = false
  private current: FeedState = FeedState.connecting
  private substream: Substream
  private forwarded: Substream | null = null
  private streak = { poor: 0, good: 0 }
  private attempts = 0
  private retry: ReturnType<typeof setTimeout> | null = null
  private stopped = false

  constructor(
    private readonly link: () => SfuLink | null,
    readonly target: { sessionId: string; userId: string; feed: FeedKind },
    private readonly iceServers: () => Promise<IceServer[]>,
    private readonly ceiling: Substream,
    private readonly events: SfuWatcherEvents,
    private readonly random: () => number = Math.random,
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

  private published(feeds: SfuFeed[]): boolean {
    return feeds.some((f) => f.userId === this.target.userId && f.feed === this.target.feed)
  }

  /** The SFU's list of published feeds changed (or the link opened). */
  sync(feeds: SfuFeed[]): void {
    if (this.stopped) return
    if (!this.published(feeds)) {
      this.cancelRetry()
      this.attempts = 0
      this.teardown()
      this.set(FeedState.disconnected)
      return
    }
    if (!this.subscription && !this.subscribing && !this.retry) void this.subscribe()
  }

  private cancelRetry() {
    if (this.retry) clearTimeout(this.retry)
    this.retry = null
  }

  /**
   * The subscription is gone (Janus hung up, the connection failed) or could not be made,
   * while the feed may still be published: try again after a growing wait, a few times.
   */
  private again() {
    if (this.stopped || this.retry) return
    const link = this.link()
    if (!link || link.closed || !this.published(link.feeds)) {
      this.set(FeedState.disconnected)
      return
    }
    const delay = resubscribeDelay(this.attempts++, this.random)
    if (delay === null) {
      // Given up until the feed list changes or the link opens again.
      this.attempts = 0
      this.set(FeedState.disconnected)
      return
    }
    this.set(FeedState.reconnecting)
    this.retry = setTimeout(() => {
      this.retry = null
      if (!this.stopped && !this.subscription) this.sync(this.link()?.feeds ?? [])
    }, delay)
  }

  private layer() {
    this.events.layer({ wanted: this.substream, forwarded: this.forwarded })
  }

  private async subscribe() {
    const link = this.link()
    if (!link || link.closed) return
    this.subscribing = true
    // Subscribing again after a hang-up still reads "reconnecting" until the picture is back.
    if (this.current !== FeedState.live && this.current !== FeedState.reconnecting)
      this.set(FeedState.connecting)
    let failed = false
    try {
      const servers = await this.iceServers()
      // Events of this subscription only while it is the watcher's (not before it resolves).
      let made: Subscription | null = null
      const mine = () => made !== null && this.subscription === made
      const subscription = await link.subscribe(this.target, servers, {
        stream: (stream) => {
          if (this.stopped) return
          this.events.stream(stream)
          this.set(FeedState.live)
        },
        ended: () => {
          if (!mine()) return
          this.teardown()
          this.again()
        },
        forwarding: (substream) => {
          if (!mine()) return
          this.forwarded = substream
          this.layer()
        },
      })
      if (this.stopped) return subscription.close()
      made = subscription
      this.subscription = subscription
      this.forwarded = null
      const { pc } = subscription
      pc.addEventListener('connectionstatechange', () => {
        if (this.subscription?.pc !== pc) return
        // Up: the next hang-up starts from the shortest wait again.
        if (pc.connectionState === 'connected') this.attempts = 0
        if (pc.connectionState === 'failed') {
          this.teardown()
          this.again()
        }
      })
      if (this.substream !== 2) subscription.setSubstream(this.substream)
      this.layer()
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
      failed = true
    } finally {
      this.subscribing = false
    }
    if (failed) this.again()
  }

  private measured(measured: Measured) {
    this.events.measured(measured)
    const next = nextSubstream(this.substream, measured.level, this.streak, this.ceiling)
    this.streak = next.streak
    if (next.substream !== this.substream) {
      this.substream = next.substream
      this.subscription?.setSubstream(next.substream)
      this.layer()
    }
  }

  private teardown() {
    this.monitor?.stop()
    this.monitor = null
    const subscription = this.subscription
    this.subscription = null
    this.forwarded = null
    subscription?.close()
    this.events.stream(null)
  }

  stop(): void {
    this.stopped = true
    this.cancelRetry()
    this.teardown()
    this.current = FeedState.stopped
  }
}
