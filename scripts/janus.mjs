// Janus as Podium runs it: a configuration folder of our own (the VideoRoom plugin and the
// WebSocket transport only, the API bound to one address, an RTP port range), and the
// process started from it. Used by `npm start` (when the `janus` binary is there), by the
// tests (test-support/janus.ts) and by deploy/janus (docker compose).
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Where Debian's package puts the binary and its plugins. */
export const JANUS_BINARY = '/usr/bin/janus'
export const JANUS_LIBRARIES = '/usr/lib/x86_64-linux-gnu/janus'

/** Finds the janus binary: JANUS_BINARY, or `janus` on PATH; null when there is none. */
export function findJanus(env = process.env) {
  if (env.JANUS_BINARY) return existsSync(env.JANUS_BINARY) ? env.JANUS_BINARY : null
  if (existsSync(JANUS_BINARY)) return JANUS_BINARY
  for (const dir of (env.PATH ?? '').split(':'))
    if (dir && existsSync(join(dir, 'janus'))) return join(dir, 'janus')
  return null
}

/** Where the plugin and transport libraries are, next to the binary's Debian layout. */
function librariesFolder() {
  for (const dir of [
    JANUS_LIBRARIES,
    '/usr/lib/janus',
    '/usr/local/lib/janus',
    '/opt/janus/lib/janus',
  ])
    if (existsSync(join(dir, 'plugins', 'libjanus_videoroom.so'))) return dir
  throw new Error('the Janus VideoRoom plugin (libjanus_videoroom.so) is not installed')
}

/**
 * Writes a configuration folder: `janus.jcfg`, the VideoRoom plugin's and the WebSocket
 * transport's, with folders holding only those two libraries, so nothing else loads.
 * `iceInterfaces` limits ICE candidates to those interfaces (tests: `lo`); unset, all.
 * @param {{ dir?: string, wsPort: number, wsHost?: string, rtpPorts: [number, number],
 *   iceInterfaces?: string, apiSecret: string, nat11?: string }} options
 * @returns {string} the folder
 */
export function writeJanusConfig(options) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'podium-janus-'))
  const libraries = librariesFolder()
  const plugins = join(dir, 'plugins')
  const transports = join(dir, 'transports')
  const empty = join(dir, 'none')
  for (const folder of [plugins, transports, empty]) mkdirSync(folder, { recursive: true })
  const link = (from, to) => {
    if (!existsSync(to)) symlinkSync(from, to)
  }
  link(join(libraries, 'plugins', 'libjanus_videoroom.so'), join(plugins, 'libjanus_videoroom.so'))
  link(
    join(libraries, 'transports', 'libjanus_websockets.so'),
    join(transports, 'libjanus_websockets.so'),
  )
  const [minPort, maxPort] = options.rtpPorts
  writeFileSync(
    join(dir, 'janus.jcfg'),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${plugins}"
  transports_folder = "${transports}"
  events_folder = "${empty}"
  loggers_folder = "${empty}"
  debug_level = 3
  api_secret = "${options.apiSecret}"
  admin_secret = "${options.apiSecret}"
  session_timeout = 60
  server_name = "podium-sfu"
  protected_folders = ["/bin", "/boot", "/dev", "/etc", "/initrd", "/lib", "/lib32", "/lib64", "/proc", "/sbin", "/sys", "/usr", "/var"]
}
certificates: {
}
media: {
  rtp_port_range = "${minPort}-${maxPort}"
  nack_optimizations = true
}
nat: {
  nice_debug = false
  ${options.iceInterfaces ? `ice_enforce_list = "${options.iceInterfaces}"` : ''}
  ${options.nat11 ? `nat_1_1_mapping = "${options.nat11}"` : ''}
}
plugins: {
}
transports: {
}
events: {
  broadcast = false
}
`,
  )
  writeFileSync(
    join(dir, 'janus.transport.websockets.jcfg'),
    `general: {
  json = "plain"
  ws = true
  ws_port = ${options.wsPort}
  ws_ip = "${options.wsHost ?? '127.0.0.1'}"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`,
  )
  // No static rooms: the signal-server creates one per session, with its own secret.
  writeFileSync(
    join(dir, 'janus.plugin.videoroom.jcfg'),
    `general: {
  admin_key = "${options.apiSecret}"
  lock_rtp_forward = true
}
`,
  )
  return dir
}

/**
 * Starts Janus from a folder written by writeJanusConfig; the child's output is piped.
 * @param {string} binary
 * @param {string} dir
 */
export function spawnJanus(binary, dir) {
  return spawn(binary, ['-F', dir, '-C', join(dir, 'janus.jcfg'), '-o'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/**
 * `npm start`'s Janus: when JANUS_URL is unset and the janus binary is installed, starts one
 * with its API on 127.0.0.1:JANUS_PORT (8188), RTP on JANUS_RTP_PORTS (20000-20199) and a
 * fresh API secret; resolves to the variables the sync-server needs, and a stop function.
 * Resolves to null (and says why) when there is nothing to start.
 * @param {Record<string, string | undefined>} env
 * @param {(line: string) => void} say
 */
export async function startLocalJanus(env, say) {
  if (env.JANUS_URL) return null
  const binary = findJanus(env)
  if (!binary) {
    say(
      'Janus is not installed: the stage stays peer to peer (8 viewers per presenter). Install the janus package or set JANUS_URL for the SFU.',
    )
    return null
  }
  const port = Number(env.JANUS_PORT ?? 8188)
  const range = /^(\d+)-(\d+)$/.exec(env.JANUS_RTP_PORTS ?? '20000-20199')
  if (!Number.isInteger(port) || port < 1 || port > 65535 || !range) {
    throw new Error(
      `JANUS_PORT=${JSON.stringify(env.JANUS_PORT ?? '')} or JANUS_RTP_PORTS=${JSON.stringify(env.JANUS_RTP_PORTS ?? '')} is not valid: expected a port and a range such as 20000-20199`,
    )
  }
  const { randomBytes } = await import('node:crypto')
  const { rmSync } = await import('node:fs')
  const apiSecret = randomBytes(16).toString('hex')
  const dir = writeJanusConfig({
    wsPort: port,
    rtpPorts: [Number(range[1]), Number(range[2])],
    apiSecret,
    ...(env.JANUS_NAT_1_1 ? { nat11: env.JANUS_NAT_1_1 } : {}),
  })
  const child = spawnJanus(binary, dir)
  let output = ''
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-4000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const { connect } = await import('node:net')
  const listening = () =>
    new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port })
      const done = (ok) => {
        socket.destroy()
        resolve(ok)
      }
      socket.setTimeout(500, () => done(false))
      socket.once('connect', () => done(true))
      socket.once('error', () => done(false))
    })
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
  for (let i = 0; i < 100; i++) {
    if (await listening()) {
      say(`Janus (SFU) listens on ws://127.0.0.1:${port}, RTP ${range[1]}-${range[2]}.`)
      return {
        env: { JANUS_URL: `ws://127.0.0.1:${port}`, JANUS_API_SECRET: apiSecret },
        stop,
        child,
      }
    }
    if (child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  stop()
  say(`Janus did not start, so the stage stays peer to peer:\n${output.slice(-1500)}`)
  return null
}
