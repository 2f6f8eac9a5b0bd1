// Test support for the SFU: a real Janus (Debian's package, VideoRoom plugin) from a
// configuration folder of our own, on free ports of 127.0.0.1, stopped by the test.
import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { connect } from 'node:net'
import { findJanus, spawnJanus, writeJanusConfig } from '../scripts/janus.mjs'
import { machineAddress } from './coturn.ts'
import { freePort } from './processes.ts'

export interface Janus {
  /** ws://127.0.0.1:<port> */
  url: string
  apiSecret: string
  /** The janus process (its CPU and memory are read from /proc by the SFU benchmark). */
  pid: number
  output(): string
  stop(): Promise<void>
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/**
 * Starts Janus with its API on 127.0.0.1 and ICE on this machine's address only (Janus
 * gathers nothing on loopback interfaces: `ice_enforce_list = "lo"` left it gathering on
 * every other one), the address coturn relays from in the tests.
 */
export async function startJanus(options: { timeoutMs?: number } = {}): Promise<Janus> {
  const binary = findJanus()
  if (!binary) throw new Error('janus is not installed: run node scripts/test-environment.mjs')
  const wsPort = await freePort()
  const minPort = 20000 + Math.floor(Math.random() * 20000)
  const apiSecret = randomBytes(16).toString('hex')
  const dir = writeJanusConfig({
    wsPort,
    rtpPorts: [minPort, minPort + 400],
    iceInterfaces: machineAddress(),
    apiSecret,
  })
  const child = spawnJanus(binary, dir)
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
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
  const until = Date.now() + (options.timeoutMs ?? 15_000)
  while (!(await listening(wsPort))) {
    if (child.exitCode !== null || Date.now() > until) {
      await stop()
      throw new Error(`Janus did not start:\n${output.slice(-2000)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    url: `ws://127.0.0.1:${wsPort}`,
    apiSecret,
    pid: child.pid ?? 0,
    output: () => output,
    stop,
  }
}
