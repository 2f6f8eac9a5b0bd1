import { SFU_PATH, type SfuServerMessage, type Substream } from '@podium/shared'
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift'
import WebSocket from 'ws'
import { RtpTally } from './rtp-tally.ts'
import { vp8KeyframeSize } from './vp8.ts'

/**
 * A viewer that never decodes: it opens the SFU proxy with its own session token, asks
 * for the presenter's camera as the stage does, answers Janus's offer from a werift
 * PeerConnection (receive only, ICE on 127.0.0.1) and counts the video RTP it gets.
 */
export interface Timeline {
  /** When the socket was opened (ms since the epoch), then when each step happened. */
  opened: number
  announced: number | null
  offered: number | null
  started: number | null
  firstRtp: number | null
}

export class Subscriber {
  readonly video = new RtpTally()
  /** The width of the last keyframe received: which simulcast layer comes. */
  width = 0
  readonly timeline: Timeline
  private pc: RTCPeerConnection | null = null
  private readonly messages: SfuServerMessage[] = []
  private wake: (() => void) | null = null
  private closed = false
  private subscription: string | null = null

  private constructor(private readonly ws: WebSocket) {
    this.timeline = {
      opened: Date.now(),
      announced: null,
      offered: null,
      started: null,
      firstRtp: null,
    }
    ws.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString()) as SfuServerMessage)
      this.wake?.()
    })
    ws.on('close', () => {
      this.closed = true
      this.wake?.()
    })
    ws.on('error', () => undefined)
  }

  /** Opens the proxy's socket; `subscribe` does the rest once the feed is there. */
  static open(baseUrl: string, token: string): Subscriber {
    const url = `${baseUrl.replace(/^http/, 'ws')}${SFU_PATH}?token=${encodeURIComponent(token)}`
    return new Subscriber(new WebSocket(url))
  }

  private async next<T extends SfuServerMessage['type']>(
    type: T,
    where: (m: Extract<SfuServerMessage, { type: T }>) => boolean,
    timeoutMs: number,
  ): Promise<Extract<SfuServerMessage, { type: T }>> {
    const until = Date.now() + timeoutMs
    for (;;) {
      const index = this.messages.findIndex((m) => m.type === type && where(m as never))
      if (index >= 0) return this.messages.splice(index, 1)[0] as never
      const refusal = this.messages.find((m) => m.type === 'error')
      if (refusal?.type === 'error') throw new Error(`${refusal.code}: ${refusal.message}`)
      if (this.closed) throw new Error(`the SFU socket closed while waiting for ${type}`)
      const left = until - Date.now()
      if (left <= 0) throw new Error(`no ${type} from the SFU proxy within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  }

  /** Waits for the feed, subscribes, answers and picks `substream` (if given) once Janus started it. */
  async subscribe(
    sessionId: string,
    userId: string,
    substream: Substream | null,
    timeoutMs = 30_000,
  ): Promise<void> {
    await this.next('feeds', (m) => m.feeds.some((f) => f.userId === userId), timeoutMs)
    this.timeline.announced = Date.now()
    this.ws.send(JSON.stringify({ type: 'subscribe', sessionId, userId, feed: 'camera' }))
    const offer = await this.next('offer', () => true, timeoutMs)
    this.timeline.offered = Date.now()
    const pc = new RTCPeerConnection({
      // Host candidates of this machine's IPv4 addresses, as Janus offers its own.
      iceUseIpv6: false,
      codecs: {
        video: [
          new RTCRtpCodecParameters({
            mimeType: 'video/VP8',
            clockRate: 90_000,
            rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
          }),
        ],
        audio: [
          new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 }),
        ],
      },
    })
    this.pc = pc
    pc.onTrack.subscribe((track) => {
      if (track.kind !== 'video') return
      track.onReceiveRtp.subscribe((rtp) => {
        this.timeline.firstRtp ??= Date.now()
        this.video.add(rtp.header.sequenceNumber, rtp.header.marker, rtp.serializeSize)
        const size = vp8KeyframeSize(rtp.payload)
        if (size) this.width = size.width
      })
    })
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp })
    await pc.setLocalDescription(await pc.createAnswer())
    // Every candidate in the answer: the proxy passes it to Janus whole.
    if (pc.iceGatheringState !== 'complete')
      await new Promise<void>((resolve) => {
        const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
          if (state !== 'complete') return
          unSubscribe()
          resolve()
        })
      })
    const sdp = pc.localDescription?.sdp
    if (!sdp) throw new Error('werift made no answer')
    this.ws.send(JSON.stringify({ type: 'answer', subscription: offer.subscription, sdp }))
    await this.next('started', (m) => m.subscription === offer.subscription, timeoutMs)
    this.timeline.started = Date.now()
    this.subscription = offer.subscription
    if (substream !== null) await this.pick(substream, timeoutMs)
  }

  /** Asks the proxy for a simulcast layer and waits until it confirms. */
  async pick(substream: Substream, timeoutMs = 10_000): Promise<void> {
    const subscription = this.subscription
    if (!subscription) throw new Error('not subscribed yet')
    this.ws.send(JSON.stringify({ type: 'substream', subscription, substream }))
    await this.next('substream', (m) => m.subscription === subscription, timeoutMs)
  }

  async close(): Promise<void> {
    this.ws.close()
    await this.pc?.close().catch(() => undefined)
  }
}
