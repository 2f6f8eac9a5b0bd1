// A TCP relay between a browser and a server that can stall the connections open through it,
// as a network that goes away without a word does: nothing sent either way arrives, not even
// a WebSocket's closing handshake, until it is let through. Connections made later pass.
import { connect, createServer, type Socket } from 'node:net'

/** One connection through the relay: what each side sent while stalled waits here. */
class Link {
  stalled = false
  /** Bytes for a side, or null: the other side finished sending. */
  private readonly held: Array<[Socket, Buffer | null]> = []

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
  ) {
    this.forward(client, upstream)
    this.forward(upstream, client)
  }

  private forward(from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => this.pass(to, chunk))
    from.on('end', () => this.pass(to, null))
  }

  private pass(to: Socket, chunk: Buffer | null): void {
    if (this.stalled) this.held.push([to, chunk])
    else if (chunk) to.write(chunk)
    else to.end()
  }

  release(): void {
    this.stalled = false
    for (const [to, chunk] of this.held.splice(0)) this.pass(to, chunk)
  }

  destroy(): void {
    this.client.destroy()
    this.upstream.destroy()
  }
}

export class StallingRelay {
  private readonly links = new Set<Link>()
  private readonly server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ port: this.targetPort, host: '127.0.0.1', allowHalfOpen: true })
    const link = new Link(client, upstream)
    this.links.add(link)
    const gone = () => {
      this.links.delete(link)
      link.destroy()
    }
    for (const socket of [link.client, link.upstream]) {
      socket.on('close', gone)
      socket.on('error', gone)
    }
  })

  private constructor(private readonly targetPort: number) {}

  /** A relay on a free port of 127.0.0.1 to `targetPort` there. */
  static async start(targetPort: number): Promise<StallingRelay> {
    const relay = new StallingRelay(targetPort)
    await new Promise<void>((done) => relay.server.listen(0, '127.0.0.1', done))
    return relay
  }

  get url(): string {
    const address = this.server.address()
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  }

  /** Every connection open now stops passing bytes, both ways, until release(). */
  stall(): void {
    for (const link of this.links) link.stalled = true
  }

  /** What the stalled connections held goes through, and they pass bytes again. */
  release(): void {
    for (const link of this.links) link.release()
  }

  async close(): Promise<void> {
    for (const link of this.links) link.destroy()
    this.links.clear()
    await new Promise<void>((done) => this.server.close(() => done()))
  }
}
