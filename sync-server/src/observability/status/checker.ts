import type { Logger } from 'pino'
import type { Services } from '../../services.ts'
import { checkComponents } from './checks.ts'
import type { ComponentCheck } from './components.ts'
import type { StatusStore } from './store.ts'

/** How often each instance checks its components and stores what it found. */
export const CHECK_EVERY_MS = 60_000

/**
 * Each instance's own periodic checks, stored for the page's uptime figures; the latest
 * result is kept for `/status` to answer from without waiting on the checks.
 */
export class StatusChecker {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<ComponentCheck[]> | null = null
  latest: { at: number; checks: ComponentCheck[] } | null = null

  constructor(
    private readonly options: {
      services: Services
      store: StatusStore
      instance: string
      base: () => string
      log: Logger
      everyMs?: number
    },
  ) {}

  start(): void {
    const every = this.options.everyMs ?? CHECK_EVERY_MS
    void this.run()
    this.timer = setInterval(() => void this.run(), every)
    this.timer.unref()
  }

  /** Checks now (one run at a time) and stores the result. */
  run(): Promise<ComponentCheck[]> {
    this.running ??= this.check().finally(() => {
      this.running = null
    })
    return this.running
  }

  private async check(): Promise<ComponentCheck[]> {
    const { services, store, instance, log } = this.options
    const checks = await checkComponents(services, this.options.base())
    const at = services.clock()
    this.latest = { at, checks }
    try {
      await store.record(instance, at, checks)
      await store.prune(at)
    } catch (error) {
      // The database being down is what the page is there to say: keep the result in memory.
      log.warn({ err: error }, 'storing the status checks failed')
    }
    return checks
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running?.catch(() => undefined)
  }
}
