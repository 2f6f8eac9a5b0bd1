import type { ChildProcess } from 'node:child_process'
import { spawnNode, stopProcess } from '../proc/spawn.ts'
import type { FromWorker, RoleParams, ToWorker } from './messages.ts'

const WORKER = 'bench/src/gen/worker.ts'

/** The coordinator's handle on one generator process. */
export class Generator {
  private readonly child: ChildProcess
  private readonly phases = new Map<string, unknown>()
  private readonly waiters = new Map<string, (data: unknown) => void>()
  private failure: string | null = null
  private exited = false
  readonly stderr: string[] = []

  constructor(
    readonly label: string,
    root: string,
    cpus: string | undefined,
  ) {
    this.child = spawnNode({
      args: ['--import', 'tsx', WORKER],
      cwd: root,
      cpus,
      ipc: true,
      onStderr: (line) => {
        if (this.stderr.length < 50) this.stderr.push(line)
      },
    })
    this.child.on('message', (message: FromWorker) => {
      if (message.type === 'error') {
        this.failure = message.message
        for (const waiter of this.waiters.values()) waiter(undefined)
        return
      }
      this.phases.set(message.name, message.data)
      this.waiters.get(message.name)?.(message.data)
    })
    this.child.on('exit', () => {
      this.exited = true
      for (const waiter of this.waiters.values()) waiter(undefined)
    })
  }

  get pid(): number {
    return this.child.pid ?? 0
  }

  start(run: RoleParams): void {
    this.send({ type: 'start', run })
  }

  signal(name: string, data?: unknown): void {
    this.send({ type: 'signal', name, ...(data === undefined ? {} : { data }) })
  }

  /** Waits for the worker to report phase `name`; throws on its failure, exit or timeout. */
  async phase<T>(name: string, timeoutMs: number): Promise<T> {
    if (this.phases.has(name)) return this.phases.get(name) as T
    this.check(name)
    const data = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(name)
        reject(new Error(`${this.label}: no '${name}' within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiters.set(name, (value) => {
        clearTimeout(timer)
        this.waiters.delete(name)
        resolve(value)
      })
    })
    if (!this.phases.has(name)) this.check(name)
    return data as T
  }

  async stop(): Promise<void> {
    if (this.child.connected) this.child.disconnect()
    await stopProcess(this.child, 3_000)
  }

  private check(name: string): void {
    if (this.failure) throw new Error(`${this.label} failed before '${name}': ${this.failure}`)
    if (this.exited) {
      throw new Error(`${this.label} exited before '${name}': ${this.stderr.slice(-5).join(' | ')}`)
    }
  }

  private send(message: ToWorker): void {
    if (this.child.connected) this.child.send(message)
  }
}

/** Several generators running the same role on parts of the load. */
export class Pool {
  constructor(readonly generators: Generator[]) {}

  static spawn(label: string, count: number, root: string, cpus: string | undefined): Pool {
    return new Pool(
      Array.from({ length: count }, (_, i) => new Generator(`${label}#${i}`, root, cpus)),
    )
  }

  get pids(): number[] {
    return this.generators.map((g) => g.pid)
  }

  signal(name: string, data?: unknown): void {
    for (const g of this.generators) g.signal(name, data)
  }

  phase<T>(name: string, timeoutMs: number): Promise<T[]> {
    return Promise.all(this.generators.map((g) => g.phase<T>(name, timeoutMs)))
  }

  async stop(): Promise<void> {
    await Promise.all(this.generators.map((g) => g.stop()))
  }
}

/** Splits `items` into `parts` nearly equal slices. */
export function split<T>(items: T[], parts: number): T[][] {
  const out: T[][] = Array.from({ length: parts }, () => [])
  items.forEach((item, i) => {
    out[i % parts]!.push(item)
  })
  return out
}
