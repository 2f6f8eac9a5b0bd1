import type { Logger } from 'pino'
import { CoalescingRun } from '../workers/coalescing-run.ts'
import { DeliveryError } from './delivery-error.ts'
import type { NotificationMetrics } from './metrics.ts'
import type { Clock, NotificationQueue, NotificationRow } from './queue.ts'
import { nextAttempt, type RetryPolicy } from './retry.ts'

/** Sends one claimed row on its channel; resolves to the data to keep with it once sent. */
export type Deliver = (row: NotificationRow) => Promise<Record<string, unknown>>

export interface WorkerOptions {
  queue: NotificationQueue
  deliver: Deliver
  clock: Clock
  log: Logger
  metrics: NotificationMetrics
  retry: RetryPolicy
  /** How often the queue is looked at when nothing wakes the worker. */
  pollMs: number
  /** How long a claimed row is this instance's before another may take it up. */
  leaseMs?: number
  /** Rows claimed at once (default twice the concurrency). */
  batch?: number
  /** Rows sent at once. */
  concurrency?: number
}

/**
 * Runs in every sync-server process: claims due rows, hands each to its channel, and
 * records the outcome (sent; failed and due again after a backoff; dead). A row committed
 * elsewhere is found by the poll; one queued here is sent at once after `kick()`.
 */
export class NotificationWorker {
  private stopped = false
  private readonly scan = new CoalescingRun(
    () => this.run(),
    () => !this.stopped,
  )
  private timer: NodeJS.Timeout | null = null
  private readonly inFlight = new Set<Promise<void>>()
  /** Attempts under way on this instance, by row id. */
  private readonly attempts = new Map<string, Promise<void>>()

  constructor(private readonly options: WorkerOptions) {}

  start(): void {
    this.stopped = false
    this.timer = setInterval(() => this.kick(), this.options.pollMs)
    this.timer.unref()
    this.kick()
  }

  /** Looks at the queue now (something was queued). */
  kick(): void {
    this.scan.request()
  }

  /**
   * Sends these rows now, if they are due and no other instance has them, and waits up to
   * `timeoutMs` for it (a sign-in mail should leave before the request is answered). What
   * fails or takes longer is the queue's to retry.
   */
  async sendNow(ids: string[], timeoutMs: number): Promise<void> {
    if (this.stopped || ids.length === 0) return
    const work = (async () => {
      const rows = await this.options.queue.claim(ids.length, this.leaseMs, ids)
      // Those this instance's poll took first are waited for the same way.
      const already = ids.flatMap((id) => this.attempts.get(id) ?? [])
      await Promise.all([...rows.map((row) => this.track(this.attempt(row))), ...already])
    })().catch((error: unknown) =>
      this.options.log.error({ err: error }, 'sending notifications at once failed'),
    )
    let timer: NodeJS.Timeout | undefined
    await Promise.race([work, new Promise((r) => (timer = setTimeout(r, timeoutMs)))])
    clearTimeout(timer)
  }

  /** Resolves when nothing is due and nothing is being sent (tests, benchmarks). */
  async idle(): Promise<void> {
    for (;;) {
      while (this.scan.running || this.inFlight.size > 0) {
        await this.scan.running
        await Promise.all(this.inFlight)
      }
      if ((await this.options.queue.due()) === 0) return
      this.kick()
      await this.scan.running
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.scan.running
    await Promise.all(this.inFlight)
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? 5 * 60_000
  }

  private async run(): Promise<void> {
    const { queue, log } = this.options
    const concurrency = this.options.concurrency ?? 8
    // Few enough that the last of a batch is tried well inside its claim.
    const batch = this.options.batch ?? concurrency * 2
    try {
      while (!this.stopped) {
        const rows = await queue.claim(batch, this.leaseMs)
        if (rows.length === 0) return
        let next = 0
        const lane = async () => {
          while (next < rows.length) {
            const row = rows[next++]!
            await this.track(this.attempt(row))
          }
        }
        await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, lane))
      }
    } catch (error) {
      log.error({ err: error }, 'the notification worker failed; it tries again at the next poll')
    }
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work)
    return work.finally(() => this.inFlight.delete(work))
  }

  /** One attempt at one row, and its outcome written back. */
  private attempt(row: NotificationRow): Promise<void> {
    const work = this.tryOnce(row).finally(() => this.attempts.delete(row.id))
    this.attempts.set(row.id, work)
    return work
  }

  private async tryOnce(row: NotificationRow): Promise<void> {
    const { queue, deliver, clock, log, metrics, retry } = this.options
    const labels = { channel: row.channel, kind: row.kind }
    try {
      const kept = await deliver(row)
      await queue.sent(row.id, kept)
      metrics.sent.inc(labels)
      metrics.delay.observe(labels, Math.max(0, clock() - Number(row.created_at)) / 1000)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      const permanent = error instanceof DeliveryError && error.permanent
      let retryAt = permanent ? null : nextAttempt(clock(), row.attempts, retry)
      if (retryAt !== null && error instanceof DeliveryError && error.retryAfterMs)
        retryAt = Math.max(retryAt, clock() + error.retryAfterMs)
      try {
        await queue.failed(row.id, reason, retryAt)
      } catch (writeError) {
        log.error({ err: writeError, id: row.id }, 'recording a failed notification failed')
        return
      }
      if (retryAt === null) {
        metrics.dead.inc(labels)
        log.warn(
          { id: row.id, kind: row.kind, channel: row.channel, attempts: row.attempts, reason },
          'a notification is dead',
        )
      } else {
        metrics.failed.inc(labels)
        log.info(
          { id: row.id, kind: row.kind, channel: row.channel, attempts: row.attempts, reason },
          'a notification attempt failed; it will be tried again',
        )
      }
    }
  }
}
