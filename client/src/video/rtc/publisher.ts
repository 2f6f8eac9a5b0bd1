import { FeedKind, LADDERS } from '@podium/shared'
import type { MediaConnection } from 'peerjs'
import { type AdaptState, adapt, applyRung, START } from '../quality/adaptation.ts'
import { type Measured, StatsMonitor } from '../quality/monitor.ts'
import { Direction } from '../quality/stats.ts'
import type { LocalMedia } from './local-media.ts'

export const ShareMode = { added: 'added', replaced: 'replaced' } as const
export type ShareMode = (typeof ShareMode)[keyof typeof ShareMode]

/** One viewer's connection as the publisher sees it. */
export interface ServedView {
  connectionId: string
  viewerPeerId: string
  viewerName: string | null
  feed: FeedKind
  measured: Measured | null
  rung: number
}

interface Served extends ServedView {
  call: MediaConnection
  adapt: AdaptState
  monitor: StatsMonitor | null
}

export interface PublisherEvents {
  /** The viewers served changed, or their quality was measured. */
  changed(views: ServedView[], audience: number): void
}

const STATS_INTERVAL_MS = 2000

function metadataOf(call: MediaConnection): { feed: FeedKind; name: string | null } {
  const metadata: unknown = call.metadata
  const record =
    typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {}
  return {
    feed: record.feed === FeedKind.screen ? FeedKind.screen : FeedKind.camera,
    name: typeof record.name === 'string' ? record.name.slice(0, 80) : null,
  }
}

/**
 * The publishing side of the stage: answers each viewer's call with the camera (or the
 * screen), up to `cap` viewers, and adapts each connection's encoding to its quality.
 */
export class Publisher {
  private readonly served = new Map<string, Served>()
  private screen: { stream: MediaStream; mode: ShareMode } | null = null
  private stopped = false

  constructor(
    private readonly media: LocalMedia,
    private readonly cap: number,
    private readonly events: PublisherEvents,
  ) {}

  /** Distinct viewers (a viewer watching camera and screen counts once). */
  get audience(): number {
    return new Set([...this.served.values()].map((s) => s.viewerPeerId)).size
  }

  handleCall(call: MediaConnection): void {
    const { feed, name } = metadataOf(call)
    const known = [...this.served.values()].some((s) => s.viewerPeerId === call.peer)
    const full = !known && this.audience >= this.cap
    const screenMissing = feed === FeedKind.screen && this.screen?.mode !== ShareMode.added
    if (this.stopped || full || screenMissing) {
      call.close()
      return
    }
    call.answer(this.outgoing(feed))
    const served: Served = {
      connectionId: call.connectionId,
      viewerPeerId: call.peer,
      viewerName: name,
      feed,
      measured: null,
      rung: 0,
      call,
      adapt: START,
      monitor: null,
    }
    this.served.set(call.connectionId, served)
    const drop = () => this.drop(call.connectionId)
    call.on('close', drop)
    call.on('error', drop)
    const pc = call.peerConnection
    if (pc) {
      pc.addEventListener('connectionstatechange', () => {
        // The viewer calls again; this side only lets go.
        if (pc.connectionState === 'failed') call.close()
        if (pc.connectionState === 'connected') void this.applyRung(served)
      })
      served.monitor = new StatsMonitor(pc, Direction.send, STATS_INTERVAL_MS, (measured) =>
        this.measured(served, measured),
      )
    }
    this.emit()
  }

  private outgoing(feed: FeedKind): MediaStream {
    if (feed === FeedKind.screen && this.screen)
      return new MediaStream(this.screen.stream.getVideoTracks())
    const video =
      this.screen?.mode === ShareMode.replaced
        ? this.screen.stream.getVideoTracks()[0]
        : this.media.videoTrack
    return new MediaStream(
      [this.media.audioTrack, video].filter((t): t is MediaStreamTrack => t != null),
    )
  }

  private videoSender(served: Served): RTCRtpSender | null {
    return served.call.peerConnection?.getSenders().find((s) => s.track?.kind === 'video') ?? null
  }

  private measured(served: Served, measured: Measured): void {
    if (!this.served.has(served.connectionId)) return
    served.measured = measured
    const ladder = LADDERS[this.kindOf(served)]
    const next = adapt(served.adapt, measured.sample, ladder.length)
    const stepped = next.rung !== served.adapt.rung
    served.adapt = next
    served.rung = next.rung
    if (stepped) void this.applyRung(served)
    this.emit()
  }

  /** What a connection's video is now: the screen when it replaces the camera. */
  private kindOf(served: Served): FeedKind {
    return served.feed === FeedKind.screen || this.screen?.mode === ShareMode.replaced
      ? FeedKind.screen
      : FeedKind.camera
  }

  private async applyRung(served: Served): Promise<void> {
    const sender = this.videoSender(served)
    const rung = LADDERS[this.kindOf(served)][served.adapt.rung]
    if (!sender || !rung) return
    try {
      await applyRung(sender, rung)
    } catch {
      // setParameters can fail while the connection renegotiates or closes; the next step retries.
    }
  }

  /** Swaps the camera or microphone track in every camera connection (a device change). */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    if (kind === 'video' && this.screen?.mode === ShareMode.replaced) return
    await this.replaceInCameraCalls(kind, track)
  }

  private async replaceInCameraCalls(
    kind: 'audio' | 'video',
    track: MediaStreamTrack | null,
  ): Promise<void> {
    const swaps: Promise<void>[] = []
    for (const served of this.served.values()) {
      if (served.feed !== FeedKind.camera) continue
      const sender = served.call.peerConnection
        ?.getSenders()
        .find((s) => s.track?.kind === kind || (s.track === null && kind === 'video'))
      if (sender) swaps.push(sender.replaceTrack(track).then(() => this.applyRung(served)))
    }
    await Promise.allSettled(swaps)
  }

  /**
   * Starts sharing a screen: `added` is a second feed viewers call for; `replaced` puts
   * the screen where the camera was in every connection (no renegotiation).
   */
  async shareScreen(stream: MediaStream, mode: ShareMode): Promise<void> {
    await this.stopScreen()
    this.screen = { stream, mode }
    const track = stream.getVideoTracks()[0]
    if (mode === ShareMode.replaced && track) await this.replaceInCameraCalls('video', track)
    this.emit()
  }

  async stopScreen(): Promise<void> {
    const current = this.screen
    if (!current) return
    this.screen = null
    for (const track of current.stream.getTracks()) track.stop()
    if (current.mode === ShareMode.replaced)
      await this.replaceInCameraCalls('video', this.media.videoTrack)
    for (const served of [...this.served.values()])
      if (served.feed === FeedKind.screen) served.call.close()
    this.emit()
  }

  get sharing(): ShareMode | null {
    return this.screen?.mode ?? null
  }

  private drop(connectionId: string): void {
    const served = this.served.get(connectionId)
    if (!served) return
    served.monitor?.stop()
    this.served.delete(connectionId)
    this.emit()
  }

  private emit(): void {
    if (this.stopped) return
    const views: ServedView[] = [...this.served.values()].map(
      ({ connectionId, viewerPeerId, viewerName, feed, measured, rung }) => ({
        connectionId,
        viewerPeerId,
        viewerName,
        feed,
        measured,
        rung,
      }),
    )
    this.events.changed(views, this.audience)
  }

  stop(): void {
    this.stopped = true
    for (const served of this.served.values()) {
      served.monitor?.stop()
      served.call.close()
    }
    this.served.clear()
    if (this.screen) for (const track of this.screen.stream.getTracks()) track.stop()
    this.screen = null
  }
}
