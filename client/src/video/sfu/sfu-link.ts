import {
  type BroadcastStatus,
  type IceServer,
  SFU_PATH,
  type SfuFeed,
  type SfuFeedKind,
  type SfuRefusal,
  type SfuServerMessage,
  SfuStatusResponse,
  SIMULCAST_LAYERS,
  type Substream,
} from '@podium/shared'
import { type Api, api as defaultApi } from '../../lib/api.ts'

/**
 * This tab's link to the SFU: the signal-server's `/sfu` WebSocket, which checks the
 * session token and speaks to Janus for us. Publishers send their camera once with three
 * simulcast layers; viewers past the mesh cap receive it from the SFU and pick a layer.
 */

/** Whether the SFU answers for this session (GET /api/sfu); false when in doubt. */
export async function sfuAvailable(
  token: string,
  api: Pick<Api, 'get'> = defaultApi,
): Promise<boolean> {
  try {
    return (await api.get('/api/sfu', token, SfuStatusResponse)).available
  } catch {
    return false
  }
}

export interface Subscription {
  readonly id: string
  readonly pc: RTCPeerConnection
  setSubstream(substream: Substream): void
  close(): void
}

/** The SFU refused a request, with its code (`sfu-full`: watch the broadcast instead). */
export class SfuRefused extends Error {
  constructor(
    readonly code: SfuRefusal,
    message: string,
  ) {
    super(message)
  }
}

export interface SfuLinkEvents {
  feeds(feeds: SfuFeed[]): void
  /** The session's HLS broadcast started, went live or stopped. */
  broadcast?(status: BroadcastStatus): void
  /** The link closed (refused, revoked, server gone); `reason` in words. */
  closed(reason: string | null, code: number): void
}

type Waiter = (message: SfuServerMessage) => boolean

/** What a subscription tells its watcher. */
export interface SubscriptionEvents {
  stream(stream: MediaStream): void
  /** Janus hung up: the publisher stopped, or the media server dropped this viewer's connection. */
  ended(): void
  /** The layer Janus forwards now (at the start, and after each switch). */
  forwarding(substream: Substream): void
}

export class SfuLink {
  private readonly waiters = new Set<Waiter>()
  private readonly subscriptions = new Map<
    string,
    { events: SubscriptionEvents; pc: RTCPeerConnection }
  >()
  private lastError: string | null = null
  feeds: SfuFeed[] = []
  broadcast: BroadcastStatus | null = null
  closed = false

  private constructor(
    private readonly ws: WebSocket,
    private readonly events: SfuLinkEvents,
  ) {
    ws.addEventListener('message', (event) => this.receive(String(event.data)))
    ws.addEventListener('close', (event) => {
      this.closed = true
      for (const { pc, events } of this.subscriptions.values()) {
        pc.close()
        events.ended()
      }
      this.subscriptions.clear()
      this.events.closed(this.lastError, event.code)
    })
  }

  /** Opens the link; resolves once the server has sent the session's feeds. */
  static open(token: string, events: SfuLinkEvents): Promise<SfuLink> {
    const origin = location.origin.replace(/^http/, 'ws')
    const ws = new WebSocket(`${origin}${SFU_PATH}?token=${encodeURIComponent(token)}`)
    const link = new SfuLink(ws, events)
    return new Promise((resolve, reject) => {
      link.wait(
        (m) => m.type === 'feeds',
        () => resolve(link),
      )
      ws.addEventListener('close', () => reject(new Error(link.lastError ?? 'SFU link closed')))
    })
  }

  private receive(data: string) {
    let message: SfuServerMessage
    try {
      message = JSON.parse(data) as SfuServerMessage
    } catch {
      return
    }
    if (message.type === 'feeds') {
      this.feeds = message.feeds
      this.events.feeds(message.feeds)
    }
    if (message.type === 'broadcast') {
      this.broadcast = message.broadcast
      this.events.broadcast?.(message.broadcast)
    }
    if (message.type === 'error') this.lastError = message.message
    if (message.type === 'ended') {
      const ended = this.subscriptions.get(message.subscription)
      this.subscriptions.delete(message.subscription)
      ended?.pc.close()
      ended?.events.ended()
    }
    if (message.type === 'forwarding')
      this.subscriptions.get(message.subscription)?.events.forwarding(message.substream)
    for (const waiter of [...this.waiters]) if (waiter(message)) this.waiters.delete(waiter)
  }

  private wait(match: (m: SfuServerMessage) => boolean, then: (m: SfuServerMessage) => void) {
    this.waiters.add((m) => {
      if (!match(m)) return false
      then(m)
      return true
    })
  }

  /** The next message matching `match`, or an error message about `ref`, or a timeout. */
  private expect<T extends SfuServerMessage>(
    match: (m: SfuServerMessage) => m is T,
    ref: (m: SfuServerMessage) => boolean,
    timeoutMs = 15_000,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter)
        reject(new Error('The media server did not answer in time.'))
      }, timeoutMs)
      const waiter: Waiter = (m) => {
        if (match(m)) resolve(m)
        else if (m.type === 'error' && ref(m)) reject(new SfuRefused(m.code, m.message))
        else return false
        clearTimeout(timer)
        return true
      }
      this.waiters.add(waiter)
    })
  }

  private send(message: object) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message))
  }

  /** Publishes a camera (and microphone) with three simulcast layers; resolves once answered. */
  async publish(
    feed: SfuFeedKind,
    video: MediaStreamTrack,
    audio: MediaStreamTrack | null,
    iceServers: IceServer[],
  ): Promise<RTCPeerConnection> {
    const pc = new RTCPeerConnection({ iceServers })
    const stream = new MediaStream([video, ...(audio ? [audio] : [])])
    pc.addTransceiver(video, {
      direction: 'sendonly',
      streams: [stream],
      sendEncodings: SIMULCAST_LAYERS.map((layer) => ({ ...layer })),
    })
    if (audio) pc.addTransceiver(audio, { direction: 'sendonly', streams: [stream] })
    pc.addEventListener('icecandidate', (event) =>
      this.send({
        type: 'candidate',
        target: `publish:${feed}`,
        candidate: event.candidate?.toJSON() ?? null,
      }),
    )
    const offer = await pc.createOffer()
    await pc.setLocalDescription(offer)
    const answered = this.expect(
      (m): m is Extract<SfuServerMessage, { type: 'published' }> =>
        m.type === 'published' && m.feed === feed,
      (m) => m.type === 'error' && m.ref === feed,
    )
    this.send({ type: 'publish', feed, sdp: offer.sdp })
    try {
      const { sdp } = await answered
      await pc.setRemoteDescription({ type: 'answer', sdp })
    } catch (error) {
      pc.close()
      throw error
    }
    return pc
  }

  unpublish(feed: SfuFeedKind) {
    this.send({ type: 'unpublish', feed })
  }

  /** Receives a publisher's feed of this session; `ended` when Janus hangs up. */
  async subscribe(
    target: { sessionId: string; userId: string; feed: SfuFeedKind },
    iceServers: IceServer[],
    events: SubscriptionEvents,
  ): Promise<Subscription> {
    const offered = this.expect(
      (m): m is Extract<SfuServerMessage, { type: 'offer' }> =>
        m.type === 'offer' && m.userId === target.userId && m.feed === target.feed,
      (m) => m.type === 'error' && (m.ref === target.feed || m.ref === undefined),
    )
    this.send({ type: 'subscribe', ...target })
    const offer = await offered
    const id = offer.subscription
    const pc = new RTCPeerConnection({ iceServers })
    this.subscriptions.set(id, { pc, events })
    const stream = new MediaStream()
    pc.addEventListener('track', (event) => {
      stream.addTrack(event.track)
      events.stream(stream)
    })
    pc.addEventListener('icecandidate', (event) =>
      this.send({ type: 'candidate', target: id, candidate: event.candidate?.toJSON() ?? null }),
    )
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp })
    const answer = await pc.createAnswer()
    await pc.setLocalDescription(answer)
    const started = this.expect(
      (m): m is Extract<SfuServerMessage, { type: 'started' }> =>
        m.type === 'started' && m.subscription === id,
      (m) => m.type === 'error' && m.ref === id,
    )
    this.send({ type: 'answer', subscription: id, sdp: answer.sdp })
    await started
    return {
      id,
      pc,
      setSubstream: (substream) => this.send({ type: 'substream', subscription: id, substream }),
      close: () => {
        // Janus may have hung up already (`ended`): then there is nothing to unsubscribe.
        if (this.subscriptions.delete(id)) this.send({ type: 'unsubscribe', subscription: id })
        pc.close()
      },
    }
  }

  close() {
    this.ws.close()
  }
}
