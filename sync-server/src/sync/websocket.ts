import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Hocuspocus } from '@hocuspocus/server'
import { CloseCode } from '@podium/shared'
import type { Logger } from 'pino'
import { WebSocketServer } from 'ws'
import { frameProblem } from '../limits/frame-check.ts'

/**
 * The sync endpoint: WebSocket upgrades on `path` are handed to Hocuspocus.
 * Frames larger than `maxPayload` close the socket with 1009 before any parsing; frames
 * that do not decode close it with 4400 before Hocuspocus sees them.
 */
export function createSyncEndpoint(
  hocuspocus: Hocuspocus,
  options: { maxPayload: number; log: Logger },
) {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload,
    perMessageDeflate: false,
  })

  wss.on('connection', (socket, request: IncomingMessage) => {
    const url = `http://${request.headers.host ?? 'localhost'}${request.url ?? '/'}`
    const headers = new Headers()
    for (const [key, value] of Object.entries(request.headers)) {
      if (typeof value === 'string') headers.set(key, value)
    }
    const connection = hocuspocus.handleConnection(socket, new Request(url, { headers }))
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (!isBinary) {
        socket.close(4400, 'binary frames only')
        return
      }
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
      const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
      const problem = frameProblem(bytes)
      if (problem) {
        options.log.warn({ problem }, 'malformed frame, closing the socket')
        socket.close(CloseCode.badFrame, 'bad-frame')
        return
      }
      connection.handleMessage(bytes)
    })
    socket.on('close', (code, reason) =>
      connection.handleClose({ code, reason: reason.toString() }),
    )
    socket.on('error', (error) => options.log.debug({ err: error }, 'sync socket error'))
  })

  return {
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request))
    },
    /**
     * Closes every socket with `code` (clients reconnect, through a proxy to another
     * instance), and terminates those that have not closed after `graceMs`.
     */
    async drain(code: number, reason: string, graceMs = 1000): Promise<void> {
      for (const client of wss.clients) client.close(code, reason)
      const until = Date.now() + graceMs
      while (wss.clients.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10))
      for (const client of wss.clients) client.terminate()
      wss.close()
    },
    get clientCount() {
      return wss.clients.size
    },
  }
}
