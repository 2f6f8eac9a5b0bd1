import * as decoding from 'lib0/decoding'
import WebSocket from 'ws'
import { hocusFramer, readBody, varUintAt, ywsFramer } from '../wire/frames.ts'
import { Channel, type ChannelHooks, type ChannelSpec, ChannelState } from './channel.ts'

export const Wire = { hocuspocus: 'hocuspocus', yWebsocket: 'y-websocket' } as const
export type Wire = (typeof Wire)[keyof typeof Wire]

/** How often a provider with awareness renews its state (y-protocols: outdatedTimeout / 2). */
export const AWARENESS_RENEW_MS = 15_000

export interface SocketOptions {
  wire: Wire
  /** Hocuspocus: the sync endpoint (ws://host/sync). y-websocket: the server root. */
  url: string
  channels: ChannelSpec[]
  hooks?: ChannelHooks
  /** Called once when the socket closes or fails to open. */
  onClose?(code: number, reason: string): void
  handshakeTimeoutMs?: number
  /** How often channels with awareness renew it (AWARENESS_RENEW_MS; shorter in tests). */
  renewMs?: number
}

/**
 * A simulated client: the protocol of a provider without its machinery, so thousands
 * fit in one process. On Hocuspocus every document shares one socket (like
 * HocuspocusProviderWebsocket); on y-websocket each document has its own socket.
 */
export class LightClient {
  readonly channels: Channel[] = []
  openedAt = 0
  closed = false
  private readonly sockets: WebSocket[] = []
  private renewTimer: NodeJS.Timeout | null = null
  private readonly startedAt = performance.now()

  constructor(private readonly options: SocketOptions) {
    if (options.wire === Wire.hocuspocus) this.openHocuspocus()
    else for (const spec of options.channels) this.openYws(spec)
    if (options.channels.some((c) => c.awareness)) {
      // A random phase, so renewals of many clients spread over the period.
      const first = Math.random() * this.renewMs
      this.renewTimer = setTimeout(() => this.renewLoop(), first)
    }
  }

  private get renewMs(): number {
    return this.options.renewMs ?? AWARENESS_RENEW_MS
  }

  get synced(): boolean {
    return this.channels.every((c) => c.state === ChannelState.synced)
  }
  get denied(): boolean {
    return this.channels.some((c) => c.state === ChannelState.denied)
  }
  /** Milliseconds from construction until every channel synced (NaN until then). */
  get timeToSynced(): number {
    if (!this.synced) return Number.NaN
    return Math.max(...this.channels.map((c) => c.syncedAt)) - this.startedAt
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    if (this.renewTimer) clearTimeout(this.renewTimer)
    for (const channel of this.channels) channel.close()
    for (const socket of this.sockets) {
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate()
      else socket.close(1000)
    }
  }

  private renewLoop(): void {
    if (this.closed) return
    for (const channel of this.channels) if (channel.spec.awareness) channel.renewAwareness()
    this.renewTimer = setTimeout(() => this.renewLoop(), this.renewMs)
  }

  private connect(url: string): WebSocket {
    const socket = new WebSocket(url, {
      perMessageDeflate: false,
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 30_000,
    })
    socket.binaryType = 'nodebuffer'
    let reported = false
    const report = (code: number, reason: string) => {
      if (reported) return
      reported = true
      for (const channel of this.channels) channel.close()
      this.options.onClose?.(code, reason)
    }
    socket.on('close', (code, reason) => report(code, reason.toString()))
    socket.on('error', (error) => report(1006, error.message))
    this.sockets.push(socket)
    return socket
  }

  private openHocuspocus(): void {
    const socket = this.connect(this.options.url)
    const send = (frame: Uint8Array) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(frame)
    }
    const names: Buffer[] = []
    for (const spec of this.options.channels) {
      const framer = hocusFramer(spec.name)
      this.channels.push(new Channel(spec, framer, send, this.options.hooks ?? {}))
      names.push(Buffer.from(spec.name, 'utf8'))
    }
    socket.on('open', () => {
      this.openedAt = performance.now()
      for (const channel of this.channels) {
        const framer = hocusFramer(channel.spec.name)
        send(framer.auth(channel.spec.token ?? ''))
        channel.open()
      }
    })
    socket.on('message', (data: Buffer) => {
      // Route by the document name prefix without decoding it to a string.
      const [length, start] = varUintAt(data, 0)
      const index = names.findIndex(
        (name) =>
          name.length === length && data.compare(name, 0, length, start, start + length) === 0,
      )
      const channel = this.channels[index]
      if (!channel) return
      const decoder = decoding.createDecoder(data.subarray(start + length))
      channel.receive(readBody(decoder, 'hocuspocus'), data)
    })
  }

  private openYws(spec: ChannelSpec): void {
    const socket = this.connect(`${this.options.url}/${encodeURIComponent(spec.name)}`)
    const send = (frame: Uint8Array) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(frame)
    }
    const channel = new Channel(spec, ywsFramer(), send, this.options.hooks ?? {})
    this.channels.push(channel)
    socket.on('open', () => {
      this.openedAt = performance.now()
      channel.state = ChannelState.authenticated
      channel.open()
    })
    socket.on('message', (data: Buffer) => {
      channel.receive(readBody(decoding.createDecoder(data), 'y-websocket'), data)
    })
  }
}
