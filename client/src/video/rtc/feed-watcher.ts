import { FeedKind } from '@podium/shared'
import type { CallOption, MediaConnection } from 'peerjs'
import { type Measured, StatsMonitor } from '../quality/monitor.ts'
import { Direction } from '../quality/stats.ts'
import { Retrier } from './backoff.ts'
import type { PeerLink } from './peer-link.ts'

/** Where one watched feed stands; the tile shows each state in words. */
export const FeedState = {
  connecting: 'connecting',
  live: 'live',
  /** The connection dropped or froze: the picture is hidden while a new call is made. */
  reconnecting: 'reconnecting',
  /** The publisher is not connected to signaling (page closed, offline): retrying slowly. */
  disconnected: 'disconnected',
  /** The publisher serves as many viewers as it can. */
  full: 'full',
  stopped: 'stopped',
} as const
export type FeedState = (typeof FeedState)[keyof typeof FeedState]

export interface FeedEvents {
  state(state: FeedState): void
  stream(stream: MediaStream | null): void
  measured(measured: Measured): void
}

const ANSWER_TIMEOUT_MS = 12_000
const DISCONNECT_GRACE_MS = 4000
const STATS_INTERVAL_MS = 1000
/** Camera frames stopping this many samples in a row hide the picture; twice as many redial. */
const STALL_SAMPLES = 3

/** Calls made to receive only: PeerJS needs a stream, so an empty one, and offers to receive. */
const RECEIVE_ONLY = {
  offerToReceiveAudio: true,
  offerToReceiveVideo: true,
} satisfies RTCOfferOptions

/**
 * Watches one publisher's feed (camera or screen): calls to receive, and when the call
 * fails, closes or freezes, calls again with backoff. A publisher the server does not
 * know (page closed) is "disconnected" and is retried more slowly until it returns.
 */
export class FeedWatcher {
  private call: MediaConnection | null = null
  private monitor: StatsMonitor | null = null
  private timers: Array<ReturnType<typeof setTimeout>> = []
  private readonly retry: Retrier
  private current: FeedState = FeedState.connecting
  private stalled = 0
  private lastFrames: number | null = null
  private stopped = false

  constructor(
    private readonly link: PeerLink,
    readonly peerId: string,
    readonly feed: FeedKind,
    private readonly viewerName: string | null,
    private readonly events: FeedEvents,
  ) {
    this.retry = new Retrier(() => this.dial(), { baseMs: 800, maxMs: 10_000 })
  }

  get state(): FeedState {
    return this.current
  }

  private set(state: FeedState): void {
    if (this.current === state) return
    this.current = state
    this.events.state(state)
  }

  /** Dials unless a call or a retry is already under way (the link has just opened). */
  kick(): void {
    if (this.stopped || this.current === FeedState.full || this.call || this.retry.pending) return
    this.dial()
  }

  /** Calls now (the link is open). */
  dial(): void {
    if (this.stopped || this.current === FeedState.full) return
    this.retry.cancel()
    this.teardown()
    // PeerJS hands `constraints` to createOffer (its typings omit the field).
    const options: CallOption & { constraints: RTCOfferOptions } = {
      metadata: { feed: this.feed, name: this.viewerName },
      constraints: RECEIVE_ONLY,
    }
    const call = this.link.peer.call(this.peerId, new MediaStream(), options)
    if (!call) {
      this.fail(FeedState.reconnecting)
      return
    }
    this.call = call
    this.later(() => this.fail(FeedState.reconnecting), ANSWER_TIMEOUT_MS)
    call.on('stream', (stream) => {
      if (call !== this.call) return
      this.clearTimers()
      this.retry.reset()
      this.stalled = 0
      this.lastFrames = null
      this.events.stream(stream)
      this.set(FeedState.live)
    })
    const lost = () => {
      if (call === this.call) this.fail(FeedState.reconnecting)
    }
    call.on('close', lost)
    call.on('error', lost)
    const pc = call.peerConnection
    if (!pc) return
    pc.addEventListener('connectionstatechange', () => {
      if (call !== this.call) return
      switch (pc.connectionState) {
        case 'disconnected':
          this.set(FeedState.reconnecting)
          this.later(() => {
            if (call === this.call && pc.connectionState !== 'connected')
              this.fail(FeedState.reconnecting)
          }, DISCONNECT_GRACE_MS)
          return
        case 'failed':
          return this.fail(FeedState.reconnecting)
        case 'connected':
          if (this.current === FeedState.reconnecting && call.remoteStream) this.set(FeedState.live)
          return
        default:
          return
      }
    })
    this.monitor = new StatsMonitor(pc, Direction.receive, STATS_INTERVAL_MS, (measured) => {
      if (call !== this.call) return
      this.events.measured(measured)
      this.watchFrames(measured.sample.framesDecoded)
    })
  }

  /** A frozen camera picture is worse than a message: hide it, then redial. */
  private watchFrames(frames: number | null): void {
    if (this.feed !== FeedKind.camera || frames === null || !this.call?.remoteStream) return
    if (this.lastFrames !== null && frames <= this.lastFrames) this.stalled++
    else if (this.stalled > 0) {
      this.stalled = 0
      if (this.current === FeedState.reconnecting) this.set(FeedState.live)
    }
    this.lastFrames = frames
    if (this.stalled >= STALL_SAMPLES * 2) this.fail(FeedState.reconnecting)
    else if (this.stalled >= STALL_SAMPLES) this.set(FeedState.reconnecting)
  }

  /** The signaling server says the publisher is not connected. */
  unavailable(): void {
    if (this.stopped) return
    this.fail(FeedState.disconnected)
  }

  /** The publisher is at capacity: no calls until `resume()`. */
  full(): void {
    if (this.stopped) return
    this.retry.cancel()
    this.teardown()
    this.events.stream(null)
    this.set(FeedState.full)
  }

  resume(): void {
    if (this.stopped || this.current !== FeedState.full) return
    this.set(FeedState.connecting)
    this.dial()
  }

  private fail(state: FeedState): void {
    if (this.stopped) return
    // Once disconnected, a call that merely times out keeps saying so.
    const next =
      state === FeedState.reconnecting && this.current === FeedState.disconnected
        ? this.current
        : state
    this.teardown()
    this.events.stream(null)
    this.set(next)
    this.retry.schedule()
  }

  private later(fn: () => void, ms: number): void {
    this.timers.push(setTimeout(fn, ms))
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers = []
  }

  private teardown(): void {
    this.clearTimers()
    this.monitor?.stop()
    this.monitor = null
    const call = this.call
    this.call = null
    call?.close()
  }

  stop(): void {
    this.stopped = true
    this.retry.cancel()
    this.teardown()
    this.current = FeedState.stopped
  }
}
