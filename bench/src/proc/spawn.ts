import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'

export interface SpawnOptions {
  /** Node arguments after `node` (flags and the script). */
  args: string[]
  env?: Record<string, string | undefined>
  cwd: string
  /** CPUs to pin the process to (taskset), e.g. '0'; omitted: no pinning. */
  cpus?: string | undefined
  /** IPC channel for generator processes. */
  ipc?: boolean
  /** Where the child's stderr goes (the server's warnings are worth keeping). */
  onStderr?(line: string): void
  /** Where the child's stdout lines go (it is always drained, so a chatty child never blocks). */
  onStdout?(line: string): void
}

/** Every process this run started, so none outlives it (Ctrl-C included). */
const live = new Set<ChildProcess>()
let hooked = false

function track(child: ChildProcess): void {
  live.add(child)
  child.once('exit', () => live.delete(child))
  if (hooked) return
  hooked = true
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL')
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const c of live) c.kill('SIGKILL')
      process.exit(130)
    })
  }
}

/**
 * Starts `node <args>` through a shell that first raises the open-file limit to the
 * hard limit (each simulated client and each server connection is a socket), then
 * execs node, so the child's pid is node's own.
 */
export function spawnNode(options: SpawnOptions): ChildProcess {
  const quoted = options.args.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ')
  const pin = options.cpus ? `taskset -c ${options.cpus} ` : ''
  const script = `ulimit -n $(ulimit -Hn) && exec ${pin}"${process.execPath}" ${quoted}`
  const child = spawn('/bin/sh', ['-c', script], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
  })
  track(child)
  lines(child.stderr, (line) => options.onStderr?.(line))
  lines(child.stdout, (line) => options.onStdout?.(line))
  return child
}

function lines(stream: NodeJS.ReadableStream | null, fn: (line: string) => void): void {
  let buffered = ''
  stream?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8')
    const all = buffered.split('\n')
    buffered = all.pop() ?? ''
    for (const line of all) if (line.trim()) fn(line)
  })
}

/** Resolves with the first stdout line matching `pattern`, or rejects on exit or timeout. */
export async function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffered = ''
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms`))
    }, timeoutMs)
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      for (const line of buffered.split('\n')) {
        const match = pattern.exec(line)
        if (match) {
          cleanup()
          resolve(match)
          return
        }
      }
    }
    const onExit = (code: number | null) => {
      cleanup()
      reject(new Error(`process exited with code ${code} before it was ready`))
    }
    const cleanup = () => {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.off('exit', onExit)
    }
    child.stdout?.on('data', onData)
    child.once('exit', onExit)
  })
}

/** Sends SIGTERM, then SIGKILL if the process has not exited after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}
