// Test support shared by signal-server's TURN tests and the e2e relay test: a real
// coturn (Debian's turnserver) on free ports, stopped by the test.
import { type ChildProcess, spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'

export const TURNSERVER = '/usr/bin/turnserver'

export interface Coturn {
  host: string
  port: number
  secret: string
  realm: string
  /** turn:127.0.0.1:<port>?transport=udp and tcp */
  urls: string[]
  output(): string
  stop(): Promise<void>
}

/**
 * This machine's first IPv4 address outside the loopback interface (127.0.0.1 when it has
 * none). Janus gathers ICE candidates on such addresses only (it skips loopback
 * interfaces), so coturn relays from it too: a relay on 127.0.0.1 reached Janus on this
 * address, but nothing came back (coturn counted 241 packets to Janus and none from it).
 */
export function machineAddress(): string {
  for (const addresses of Object.values(networkInterfaces()))
    for (const address of addresses ?? [])
      if (address.family === 'IPv4' && !address.internal) return address.address
  return '127.0.0.1'
}

/** A port free for both TCP and UDP on 127.0.0.1. */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer()
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        const address = server.address()
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
      })
    })
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4')
      socket.once('error', () => resolve(false))
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)))
    })
    if (udpFree) return port
  }
  throw new Error('no free port for coturn')
}

/**
 * Starts coturn listening on 127.0.0.1, relaying from this machine's address (where Janus
 * and browsers' host candidates are), with TURN REST authentication (`use-auth-secret`)
 * and loopback peers allowed, in a temporary folder; resolves once it listens.
 */
export async function startCoturn(
  secret: string,
  options: { timeoutMs?: number } = {},
): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), 'podium-coturn-'))
  const port = await freePort()
  const minPort = 49152 + Math.floor(Math.random() * 15000)
  const realm = 'podium.test'
  const config = [
    'listening-ip=127.0.0.1',
    `relay-ip=${machineAddress()}`,
    `listening-port=${port}`,
    `min-port=${minPort}`,
    `max-port=${minPort + 200}`,
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    `realm=${realm}`,
    'allow-loopback-peers',
    'no-cli',
    'no-tls',
    'no-dtls',
    'no-multicast-peers',
    'fingerprint',
    'log-file=stdout',
    'simple-log',
    'verbose',
    `pidfile=${join(dir, 'turnserver.pid')}`,
    `userdb=${join(dir, 'turndb')}`,
  ].join('\n')
  const configFile = join(dir, 'turnserver.conf')
  writeFileSync(configFile, `${config}\n`)
  const child: ChildProcess = spawn(TURNSERVER, ['-c', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(killer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  const until = Date.now() + (options.timeoutMs ?? 10_000)
  while (!/Total (UDP|General) servers/i.test(output)) {
    if (child.exitCode !== null || Date.now() > until) {
      await stop()
      throw new Error(`coturn did not start:\n${output.slice(-2000)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    host: '127.0.0.1',
    port,
    secret,
    realm,
    urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`],
    output: () => output,
    stop,
  }
}
