import WebSocket from 'ws'

/** A raw y-webrtc signaling client: JSON frames in and out, as y-webrtc sends them. */
export class SignalClient {
  readonly received: Array<Record<string, unknown>> = []
  readonly opened: Promise<void>
  readonly closed: Promise<{ code: number; reason: string }>

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) =>
      this.received.push(JSON.parse(data.toString()) as Record<string, unknown>),
    )
    this.opened = new Promise((resolve) => ws.once('open', () => resolve()))
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    )
  }

  /** Connects to `/signal` of a server at `url` (http://…), with the token or none. */
  static connect(url: string, token: string | null): SignalClient {
    const query = token === null ? '' : `?token=${token}`
    return new SignalClient(new WebSocket(`${url.replace(/^http/, 'ws')}/signal${query}`))
  }

  /** Subscribes and waits until the server has taken it (a ping answered after it). */
  async subscribe(topic: string) {
    const pongs = this.received.filter((m) => m.type === 'pong').length
    this.send({ type: 'subscribe', topics: [topic] })
    this.send({ type: 'ping' })
    const until = Date.now() + 2000
    while (this.received.filter((m) => m.type === 'pong').length <= pongs && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10))
  }

  /** What was published to it (pongs left out). */
  published(): unknown[] {
    return this.received.filter((m) => m.type === 'publish').map((m) => m.data)
  }

  send(message: object) {
    this.ws.send(JSON.stringify(message))
  }

  async waitFor(count: number, timeoutMs = 2000) {
    const until = Date.now() + timeoutMs
    while (this.received.length < count && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10))
    return this.received
  }
}
