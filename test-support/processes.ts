// Programs a test runs as processes of its own, so it can kill, stop and restart them:
// a child with its output kept, a free port, and a wait for something to answer.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process'
import { createServer } from 'node:net'

/** A port nothing listens on right now (the OS picks it; it is closed again at once). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer()
    probe.once('error', fail)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => done(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Polls `check` every `everyMs` until it holds, or fails after `timeoutMs` naming `what`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** Whether GET `url` answers 200 within a second. */
export async function answersOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
    await response.body?.cancel()
    return response.ok
  } catch {
    return false
  }
}

/** One program started by a test: its output is kept for the failure message. */
export class Child {
  private child: ChildProcess | null = null
  output = ''

  constructor(
    readonly name: string,
    readonly command: string,
    readonly args: string[],
    readonly options: SpawnOptions = {},
  ) {}

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`)
    const child = spawn(this.command, this.args, {
      ...this.options,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000)
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    child.once('error', (error) => keep(Buffer.from(`\n${error.message}\n`)))
    child.once('exit', () => {
      if (this.child === child) this.child = null
    })
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  /** Sends `signal` and resolves with how the process ended (at once if it is not running). */
  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
  ): Promise<{ code: number | null; signal: string | null }> {
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null)
      return { code: child?.exitCode ?? null, signal: child?.signalCode ?? null }
    const exited = new Promise<{ code: number | null; signal: string | null }>((done) =>
      child.once('exit', (code, sig) => done({ code, signal: sig })),
    )
    child.kill(signal)
    const result = await exited
    this.child = null
    return result
  }

  /** Fails with the program's output when it is not running. */
  assertRunning(): void {
    if (!this.running) throw new Error(`${this.name} exited:\n${this.output}`)
  }
}
