import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateSessionResponse, documentName, JoinResponse } from '@podium/shared'
import { Wire } from '../client/socket.ts'
import type { AttendeePlan, Endpoint, Viewer } from '../gen/messages.ts'
import { spawnNode, stopProcess, waitForLine } from '../proc/spawn.ts'

export const TargetKind = {
  podium: 'podium',
  /** Podium with analytics not recording (ANALYTICS_RECORDING=false): what recording costs. */
  podiumUnrecorded: 'podium-unrecorded',
  hocuspocus: 'hocuspocus',
  yWebsocket: 'y-websocket',
} as const
export type TargetKind = (typeof TargetKind)[keyof typeof TargetKind]

/** Podium, whether analytics records or not: the same clients and protocol. */
export const isPodium = (kind: TargetKind): boolean =>
  kind === TargetKind.podium || kind === TargetKind.podiumUnrecorded

export const TARGET_LABEL: Record<TargetKind, string> = {
  podium: 'Podium',
  'podium-unrecorded': 'Podium, analytics off',
  hocuspocus: 'bare Hocuspocus',
  'y-websocket': 'y-websocket',
}

/** A session (Podium) or a document namespace (relays) that one scenario step uses. */
export interface Room {
  publicDoc: string
  /** Podium: the join code. */
  code: string | null
  /**
   * Podium: the moderators' document too (staff screens and the projector hold it), and the
   * viewer's own outbox: a real client holds it with awareness, whose renewal every 15 s is
   * what keeps a socket that sends nothing else from the server's idle timeout (60 s).
   */
  moderator: Viewer
  /** Attendee identities: POST /api/join on Podium, made-up ids on a relay. */
  attendees(count: number): Promise<AttendeePlan[]>
  ownDocPrefix: string | null
}

export interface RunningTarget {
  kind: TargetKind
  pid: number
  endpoint: Endpoint
  httpUrl: string
  /** The Chrome DevTools Protocol URL of the server process. */
  inspectorUrl: string
  /** Podium: its data folder (the SQLite store), for reading how documents are stored. */
  dataDir?: string
  newRoom(title: string): Promise<Room>
  /** The server's own warnings and errors (stderr), last lines first trimmed. */
  stderr: string[]
  stop(): Promise<void>
}

export interface StartOptions {
  root: string
  cpus: string | undefined
}

const INSPECT = /Debugger listening on (ws:\/\/\S+)/

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Waits for the inspector URL, which node prints on stderr before running the script. */
function inspectorUrl(stderr: string[], child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const look = () => {
      for (const line of stderr) {
        const match = INSPECT.exec(line)
        if (match) return resolve(match[1]!)
      }
      if (child.exitCode !== null) return reject(new Error('server exited before it was ready'))
      if (Date.now() - started > timeoutMs) return reject(new Error('no inspector URL'))
      setTimeout(look, 20)
    }
    look()
  })
}

function keep(list: string[], line: string): void {
  if (list.length > 200) list.splice(10, 1)
  list.push(line)
}

function startProcess(options: StartOptions, args: string[], env: Record<string, string>) {
  const stderr: string[] = []
  const child = spawnNode({
    args: ['--inspect=127.0.0.1:0', '--import', 'tsx', ...args],
    cwd: options.root,
    cpus: options.cpus,
    env,
    onStderr: (line) => keep(stderr, line),
    // Podium logs (pino, warn and above) go to stdout; keep them with the errors.
    onStdout: (line) => {
      if (!line.startsWith('listening ')) keep(stderr, line)
    },
  })
  return { child, stderr }
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`)
    try {
      const response = await fetch(url)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`)
}

/** Podium as it runs in production: `sync-server/src/main.ts`, SQLite in a temporary folder. */
export async function startPodium(
  options: StartOptions,
  extraEnv: Record<string, string> = {},
  kind: TargetKind = TargetKind.podium,
): Promise<RunningTarget> {
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'podium-bench-'))
  const { child, stderr } = startProcess(options, ['sync-server/src/main.ts'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    TOKEN_SECRET: randomBytes(32).toString('base64url'),
    ...extraEnv,
  })
  const httpUrl = `http://127.0.0.1:${port}`
  try {
    await waitHealthy(`${httpUrl}/healthz`, child, 60_000)
  } catch (error) {
    child.kill('SIGKILL')
    throw new Error(
      `Podium did not start: ${(error as Error).message}\n${stderr.slice(-10).join('\n')}`,
    )
  }
  return {
    kind,
    pid: child.pid ?? 0,
    endpoint: { wire: Wire.hocuspocus, url: `ws://127.0.0.1:${port}/sync` },
    httpUrl,
    inspectorUrl: await inspectorUrl(stderr, child, 5_000),
    dataDir,
    stderr,
    newRoom: (title) => podiumRoom(httpUrl, title),
    async stop() {
      await stopProcess(child, 10_000)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

async function postJson<T>(url: string, body: unknown, parse: (v: unknown) => T): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`POST ${url} → ${response.status}: ${text.slice(0, 300)}`)
  return parse(JSON.parse(text))
}

async function podiumRoom(httpUrl: string, title: string): Promise<Room> {
  const session = await postJson(`${httpUrl}/api/sessions`, { title }, (v) =>
    CreateSessionResponse.parse(v),
  )
  const publicDoc = documentName.public(session.id)
  return {
    publicDoc,
    code: session.code,
    moderator: {
      token: session.hostToken,
      publicDoc,
      modDoc: documentName.mod(session.id),
      ownDoc: documentName.outbox(session.id, session.hostUserId),
    },
    ownDocPrefix: `${publicDoc}/user/`,
    async attendees(count) {
      // Token fetches in batches of 32 concurrent requests: fast, and gentle on the server.
      const plans: AttendeePlan[] = []
      for (let start = 0; start < count; start += 32) {
        const batch = Array.from({ length: Math.min(32, count - start) }, () =>
          postJson(`${httpUrl}/api/join`, { code: session.code }, (v) => JoinResponse.parse(v)),
        )
        for (const joined of await Promise.all(batch)) {
          plans.push({
            userId: joined.userId,
            token: joined.token,
            publicDoc,
            ownDoc: documentName.outbox(session.id, joined.userId),
          })
        }
      }
      return plans
    },
  }
}

function relayRoom(kind: TargetKind): Room {
  const id = randomBytes(8).toString('hex')
  const publicDoc = `session/${id}`
  const ownDocPrefix = kind === TargetKind.hocuspocus ? `${publicDoc}/user/` : null
  return {
    publicDoc,
    code: null,
    moderator: { token: '', publicDoc },
    ownDocPrefix,
    async attendees(count) {
      return Array.from({ length: count }, (_, i) => {
        const userId = `u${i}x${id}`
        return {
          userId,
          token: '',
          publicDoc,
          ownDoc: ownDocPrefix ? `${ownDocPrefix}${userId}` : null,
        }
      })
    },
  }
}

async function startRelay(
  kind: 'hocuspocus' | 'y-websocket',
  script: string,
  options: StartOptions,
): Promise<RunningTarget> {
  const { child, stderr } = startProcess(options, [script], { PORT: '0' })
  let port: number
  try {
    port = Number((await waitForLine(child, /^listening (\d+)/, 30_000))[1])
  } catch (error) {
    child.kill('SIGKILL')
    throw new Error(`${kind} did not start: ${(error as Error).message}\n${stderr.join('\n')}`)
  }
  const httpUrl = `http://127.0.0.1:${port}`
  return {
    kind,
    pid: child.pid ?? 0,
    endpoint: {
      wire: kind === TargetKind.hocuspocus ? Wire.hocuspocus : Wire.yWebsocket,
      url: `ws://127.0.0.1:${port}`,
    },
    httpUrl,
    inspectorUrl: await inspectorUrl(stderr, child, 5_000),
    stderr,
    newRoom: async () => relayRoom(kind),
    stop: () => stopProcess(child, 10_000),
  }
}

export function startTarget(kind: TargetKind, options: StartOptions): Promise<RunningTarget> {
  switch (kind) {
    case TargetKind.podium:
      return startPodium(options)
    case TargetKind.podiumUnrecorded:
      return startPodium(options, { ANALYTICS_RECORDING: 'false' }, kind)
    case TargetKind.hocuspocus:
      return startRelay(kind, 'bench/src/targets/hocuspocus-server.ts', options)
    case TargetKind.yWebsocket:
      return startRelay(kind, 'bench/src/targets/y-websocket-server.ts', options)
    default:
      return kind satisfies never
  }
}
