export interface BackoffOptions {
  baseMs?: number
  maxMs?: number
  random?: () => number
}

/** Exponential backoff with jitter: attempt 0 waits about baseMs, each next twice as long, capped. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500
  const max = options.maxMs ?? 10_000
  const random = options.random ?? Math.random
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/** Runs `fn` again after a growing delay until reset; one pending retry at a time. */
export class Retrier {
  private attempt = 0
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly fn: () => void,
    private readonly options: BackoffOptions = {},
  ) {}

  /** Schedules the next attempt; returns its delay. */
  schedule(): number {
    this.cancel()
    const delay = backoffDelay(this.attempt++, this.options)
    this.timer = setTimeout(() => {
      this.timer = null
      this.fn()
    }, delay)
    return delay
  }

  get pending(): boolean {
    return this.timer !== null
  }

  /** After a success: the next failure starts from the shortest delay again. */
  reset(): void {
    this.attempt = 0
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}
