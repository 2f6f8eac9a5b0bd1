import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Hocuspocus } from '@hocuspocus/server'
import type { Logger } from 'pino'
import { WebSocketServer } from 'ws'

/**
 * The sync endpoint: WebSocket upgrades on `path` are handed to Hocuspocus.
 * Frames larger than `maxPayload` close the socket with 1009 before any parsing.
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
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
      connection.handleMessage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
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
    close() {
      for (const client of wss.clients) client.terminate()
      wss.close()
    },
    get clientCount() {
      return wss.clients.size
    },
  }
}
