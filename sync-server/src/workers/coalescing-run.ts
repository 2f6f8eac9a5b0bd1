/**
 * Runs one piece of work at a time: asked while it runs, it runs once more afterwards, however
 * often it was asked meanwhile. The notification worker's queue scan and each event
 * subscriber use it; asks come from timers, commits and other instances.
 */
export class CoalescingRun {
  private current: Promise<void> | null = null
  private again = false

  /** `work` must not throw: its failures are its own to log and retry. */
  constructor(
    private readonly work: () => Promise<void>,
    private readonly allowed: () => boolean = () => true,
  ) {}

  /** The run under way, if any. */
  get running(): Promise<void> | null {
    return this.current
  }

  /** Runs now, or once more after the run under way. */
  request(): void {
    if (!this.allowed()) return
    if (this.current) {
      this.again = true
      return
    }
    this.current = this.work().finally(() => {
      this.current = null
      if (this.again) {
        this.again = false
        this.request()
      }
    })
  }
}
