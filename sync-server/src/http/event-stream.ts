import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** A comment now and then keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000

/** Writes one event to the stream. */
export type SendEvent = (event: string, data: unknown) => void

/**
 * Server-sent event streams of one route family: each stays open until its client goes,
 * and the server ends them all when it closes (registered on `api`'s preClose).
 */
export class EventStreams {
  private readonly open = new Set<() => void>()

  constructor(api: FastifyInstance) {
    api.addHook('preClose', async () => {
      for (const end of [...this.open]) end()
    })
  }

  /**
   * Answers `request` with a stream; `follow` starts sending and returns the way to stop.
   * Call it once the request is allowed: from here on the reply is the stream's.
   */
  serve(
    request: FastifyRequest,
    reply: FastifyReply,
    follow: (send: SendEvent) => () => void,
  ): void {
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // Proxies (nginx, Caddy) pass each event on at once.
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    })
    res.write('retry: 5000\n\n')
    const stop = follow((event, data) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    )
    const heartbeat = setInterval(() => res.write(': still here\n\n'), HEARTBEAT_MS)
    heartbeat.unref()
    /** The server ends the stream (it is closing), or the client went. */
    const end = (clientWent = false) => {
      if (!this.open.delete(end)) return
      clearInterval(heartbeat)
      stop()
      // Ended into a socket its client closed, the response never finishes and keeps
      // the server from closing: that socket is dropped instead.
      if (clientWent) res.destroy()
      else res.end()
    }
    this.open.add(end)
    res.on('close', () => end(true))
  }
}
