import type { IncomingMessage } from 'node:http'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { type WebSocket, WebSocketServer } from 'ws'

/**
 * Baseline (b): the y-websocket server. `setupWSConnection` is the connection handler
 * of y-websocket 1.5.4's own server (bin/utils.js, installed under the alias
 * y-websocket-server-baseline), mounted on the same `ws` version Podium uses, with
 * no persistence (YPERSISTENCE unset). Prints `listening <port>` once it accepts.
 */
const require = createRequire(import.meta.url)
const { setupWSConnection } = require('y-websocket-server-baseline/bin/utils') as {
  setupWSConnection: (conn: WebSocket, req: IncomingMessage) => void
}

const http = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' })
  response.end('y-websocket baseline')
})
const wss = new WebSocketServer({ server: http, perMessageDeflate: false })
wss.on('connection', (conn, request) => setupWSConnection(conn, request))
http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(http.address() as AddressInfo).port}\n`)
})
const stop = () => {
  for (const client of wss.clients) client.terminate()
  http.close(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
