import type { Logger } from 'pino'
import type { Recordings } from './domain.ts'

export const DAY_MS = 86_400_000

/**
 * Deletes recordings (rows and files) older than RECORDING_RETENTION_DAYS, once at start
 * and then daily. Recordings still running or processing are left for the next run.
 */
export class RecordingRetention {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null

  constructor(
    private readonly recordings: Recordings,
    private readonly days: number,
    private readonly log: Logger,
    private readonly everyMs = DAY_MS,
  ) {}

  start(): void {
    const run = () => {
      if (this.running) return
      this.running = this.run()
        .then(() => undefined)
        .catch((error: unknown) => {
          this.log.error({ err: error }, 'deleting old recordings failed')
        })
        .finally(() => {
          this.running = null
        })
    }
    run()
    this.timer = setInterval(run, this.everyMs)
    this.timer.unref()
  }

  async run(): Promise<number> {
    const deleted = await this.recordings.sweep(this.days)
    if (deleted > 0) this.log.info({ deleted, days: this.days }, 'old recordings deleted')
    return deleted
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running
  }
}
