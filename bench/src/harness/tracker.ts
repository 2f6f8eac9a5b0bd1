import { mkdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { RoleParams } from '../gen/messages.ts'
import { Pool, split } from '../gen/pool.ts'
import { hotSpots, Inspector } from '../proc/inspector.ts'
import { readProc, Sampler } from '../proc/sampler.ts'
import { type RunningTarget, startTarget, TargetKind } from '../targets/index.ts'
import { type Context, type StepResult, StepStopped } from './context.ts'
import { round } from './numbers.ts'

/** Starts the target, hands it to `fn`, and always stops it (and everything `fn` spawned). */
export async function withTarget<T>(
  ctx: Context,
  kind: TargetKind,
  fn: (target: RunningTarget, track: Tracker) => Promise<T>,
): Promise<T> {
  const shared = ctx.shared?.get(kind)
  const target = shared ?? (await startTarget(kind, { root: ctx.root, cpus: ctx.cpus.server }))
  const tracker = new Tracker(ctx, target)
  try {
    return await fn(target, tracker)
  } finally {
    await tracker.cleanup()
    if (!shared) await target.stop()
  }
}

/** Keeps what a step spawns, samples CPU and memory, and stops the step when RSS runs away. */
export class Tracker {
  private readonly pools: Pool[] = []
  readonly sampler: Sampler
  private guard: NodeJS.Timeout | null = null
  private tripped: string | null = null
  private readonly logStart: number

  constructor(
    private readonly ctx: Context,
    readonly target: RunningTarget,
  ) {
    this.sampler = new Sampler(() => [target.pid, ...this.pools.flatMap((p) => p.pids)])
    this.logStart = target.stderr.length
    this.guard = setInterval(() => {
      const rss = readProc(target.pid)?.rssBytes ?? 0
      if (rss > ctx.plan.rssLimitBytes) {
        this.tripped = `server RSS passed ${Math.round(ctx.plan.rssLimitBytes / 1024 ** 2)} MB`
      }
    }, 500)
  }

  private inspector: Inspector | null = null

  /** Starts a CPU profile of the server when profiling is on (Podium only). */
  async startProfile(): Promise<void> {
    if (!this.ctx.profile || this.target.kind !== TargetKind.podium) return
    this.inspector = await Inspector.connect(this.target.inspectorUrl)
    await this.inspector.startProfile()
  }

  /** Stops the profile, writes it to bench/results/tmp/profiles/<label>.cpuprofile, returns hot spots. */
  async stopProfile(label: string): Promise<StepResult['profile']> {
    const inspector = this.inspector
    if (!inspector) return undefined
    this.inspector = null
    const profile = await inspector.stopProfile()
    inspector.close()
    const dir = join(this.ctx.root, 'bench', 'results', 'tmp', 'profiles')
    mkdirSync(dir, { recursive: true })
    const file = join(dir, `${label.replace(/[^\w.-]+/g, '-')}.cpuprofile`)
    writeFileSync(file, JSON.stringify(profile))
    return { file: relative(this.ctx.root, file), hotSpots: hotSpots(profile) }
  }

  /** Spawns `count` generators running `role` with each slice of `items`. */
  pool<T>(
    label: string,
    items: T[],
    perGenerator: number,
    role: (slice: T[], index: number, of: number) => RoleParams,
  ): Pool {
    const count = Math.max(1, Math.ceil(items.length / perGenerator))
    const pool = Pool.spawn(label, count, this.ctx.root, this.ctx.cpus.generators)
    const slices = split(items, count)
    pool.generators.forEach((g, i) => {
      g.start(role(slices[i]!, i, count))
    })
    this.pools.push(pool)
    return pool
  }

  /** Throws StepStopped when the guard tripped. Call between phases. */
  check(): void {
    if (this.tripped) throw new StepStopped(this.tripped)
  }

  /** Races `promise` against the guard. */
  async guarded<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const tripped = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        if (this.tripped) reject(new StepStopped(this.tripped))
      }, 200)
    })
    try {
      return await Promise.race([promise, tripped])
    } finally {
      clearInterval(timer)
    }
  }

  generatorUsage(lags: number[]): StepResult['generators'] {
    const pids = this.pools.flatMap((p) => p.pids)
    const cpu = pids.reduce((sum, pid) => sum + this.sampler.summary(pid).cpuPercent, 0)
    return { cpuPercent: round(cpu), lagP99Ms: round(Math.max(0, ...lags)) }
  }

  /** The server's log lines during the step (inspector chatter dropped, paths made relative). */
  serverLog(): string[] {
    return this.target.stderr
      .slice(this.logStart)
      .filter(
        (line) =>
          !/Debugger (listening|attached|ending)|For help, see|Waiting for the debugger/.test(line),
      )
      .slice(0, 10)
      .map((line) => line.replaceAll(`${this.ctx.root}/`, '').slice(0, 500))
  }

  async cleanup(): Promise<void> {
    if (this.guard) clearInterval(this.guard)
    this.guard = null
    this.inspector?.close()
    this.sampler.stop()
    await Promise.all(this.pools.map((p) => p.stop()))
  }
}
