/**
 * When a session's ingest runs: at most one tick per `tickMs` (a tick asked for sooner
 * than one already due moves it earlier), and ticks and other work (the tallies' read-back)
 * one after another, never overlapping.
 */
export class TickScheduler {
  private timer: NodeJS.Timeout | null = null
  private due = 0
  private work: Promise<void> | null = null
  private isStopped = false

  constructor(
    private readonly tick: (force: boolean) => Promise<void>,
    private readonly failed: (error: unknown, what: string) => void,
    private readonly tickMs: number,
  ) {}

  /** What runs now, if anything. */
  get running(): Promise<void> | null {
    return this.work
  }

  get stopped(): boolean {
    return this.isStopped
  }

  /** Nothing runs and no tick is due. */
  get idle(): boolean {
    return this.timer === null && this.work === null
  }

  /**
   * A tick in `delayMs`, or sooner if one is due sooner already. A tick past due starts
   * now: while sockets keep being readable Node reads them for up to seconds before it
   * runs timers, and the changes that ask for ticks are what keeps them readable.
   */
  schedule(delayMs = this.tickMs): void {
    if (this.isStopped) return
    const now = Date.now()
    const due = now + delayMs
    if (this.timer) {
      if (this.due <= now) {
        this.runDue()
        return
      }
      if (this.due <= due) return
      clearTimeout(this.timer)
    }
    this.due = due
    this.timer = setTimeout(() => this.runDue(), delayMs)
  }

  private runDue(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.afterRunning(() => this.tick(false), 'ingest tick failed')
  }

  /** Runs `work` once what runs now is done. */
  afterRunning(work: () => Promise<void>, what: string): void {
    const previous = this.work ?? Promise.resolve()
    const chain: Promise<void> = previous
      .then(work)
      .catch((error: unknown) => this.failed(error, what))
      .finally(() => {
        // Only the last piece asked for clears it: work chained behind this one still runs,
        // and a tick asked for meanwhile must wait for it, not start beside it.
        if (this.work === chain) this.work = null
      })
    this.work = chain
  }

  /** Runs a tick now, presence included (tests and shutdown); its failure is the caller's. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    while (this.work) await this.work
    const run = this.tick(true)
    // Work asked for meanwhile waits for it; its failure is the caller's, not the queue's.
    const chain: Promise<void> = run
      .catch(() => {})
      .finally(() => {
        if (this.work === chain) this.work = null
      })
    this.work = chain
    await run
  }

  /** No more ticks; resolves once what runs now is done. */
  async stop(): Promise<void> {
    this.isStopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.work
  }
}
