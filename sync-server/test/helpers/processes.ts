import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { resolve } from 'node:path'

export const repoRoot = resolve(import.meta.dirname, '../../..')

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

export interface ScriptRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a TypeScript file under tsx in its own Node process and waits for it to exit. */
export function runScript(
  script: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ScriptRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`${script} did not finish in ${timeoutMs} ms:\n${stderr}`))
    }, timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      done({ code, stdout, stderr })
    })
  })
}

/** The JSON line a script printed last, or a failure showing what it wrote instead. */
export function lastJson<T>(run: ScriptRun): T {
  const line = run.stdout.trim().split('\n').pop() ?? ''
  try {
    return JSON.parse(line) as T
  } catch {
    throw new Error(`no JSON result (exit ${run.code}):\n${run.stdout}\n${run.stderr}`)
  }
}

/** Podium as its own process (`tsx sync-server/src/main.ts`), so a test can SIGKILL it. */
export class ServerProcess {
  private child: ChildProcess | null = null
  output = ''

  constructor(
    readonly port: number,
    readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get syncUrl(): string {
    return `ws://127.0.0.1:${this.port}/sync`
  }

  /** Starts the process and resolves once /healthz answers. */
  async start(timeoutMs = 60_000): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: String(this.port),
        LOG_LEVEL: 'warn',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString()
    }
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)
    let exited = false
    child.once('exit', () => {
      exited = true
    })
    const until = Date.now() + timeoutMs
    for (;;) {
      if (exited) throw new Error(`server exited while starting:\n${this.output}`)
      const ok = await fetch(`${this.url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) return
      if (Date.now() > until)
        throw new Error(`server not healthy in ${timeoutMs} ms:\n${this.output}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  /** Resolves once the process has exited after `signal`. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((done) => child.once('exit', () => done()))
    child.kill(signal)
    await exited
    this.child = null
  }

  get running(): boolean {
    return this.child !== null
  }
}
