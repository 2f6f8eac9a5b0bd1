import type { Logger } from 'pino'
import type { Db } from '../db/connect.ts'

export const DAY_MS = 86_400_000
/** Rows one delete takes on, so a large backlog never holds a long lock. */
const CHUNK = 5_000

export interface RetentionOptions {
  db: Db
  /** Raw events older than this many days are deleted (ANALYTICS_RETENTION_DAYS). */
  days: number
  log: Logger
  /** The time now; tests move it. */
  clock?: () => number
  /** How often the job runs (a day). */
  everyMs?: number
}

/**
 * Deletes raw analytics events older than the retention, once at start and then daily;
 * the per-minute rollups and the session state stay, so reports are unchanged. Several
 * instances may each run it: a delete finds nothing the other one took.
 */
export class AnalyticsRetention {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<number> | null = null
  private readonly clock: () => number

  constructor(private readonly options: RetentionOptions) {
    this.clock = options.clock ?? Date.now
  }

  start(): void {
    const run = () => {
      if (this.running) return
      this.running = this.run()
        .catch((error: unknown) => {
          this.options.log.error({ err: error }, 'deleting old analytics events failed')
          return 0
        })
        .finally(() => {
          this.running = null
        })
    }
    run()
    this.timer = setInterval(run, this.options.everyMs ?? DAY_MS)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running
  }

  /** Deletes what is past the retention now; resolves to how many events it deleted. */
  async run(): Promise<number> {
    const { db, days, log } = this.options
    const before = this.clock() - days * DAY_MS
    let deleted = 0
    for (;;) {
      const result = await db.kysely
        .deleteFrom('analytics_events')
        .where('id', 'in', (eb) =>
          eb.selectFrom('analytics_events').select('id').where('at', '<', before).limit(CHUNK),
        )
        .executeTakeFirst()
      const n = Number(result.numDeletedRows)
      deleted += n
      if (n < CHUNK) break
    }
    if (deleted > 0)
      log.info({ deleted, before: new Date(before).toISOString() }, 'old analytics events deleted')
    return deleted
  }
}
