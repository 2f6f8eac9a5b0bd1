import { Server } from '@hocuspocus/server'

/**
 * Baseline (a): a bare Hocuspocus 4 server as shipped, with no extensions: no auth,
 * no ingest, no persistence. Prints `listening <port>` once it accepts connections.
 */
const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: '127.0.0.1',
  quiet: true,
})
await server.listen()
process.stdout.write(`listening ${server.address.port}\n`)
