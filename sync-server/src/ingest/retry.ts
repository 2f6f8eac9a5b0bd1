export interface RetryOptions {
  /** True once the ingest is stopping: give up after `stoppingMs` more of trying. */
  stopped(): boolean
  onRetry(error: unknown, attempt: number): void
  firstDelayMs?: number
  maxDelayMs?: number
  /**
   * How long a stopping ingest keeps trying: a passing failure (a deadlock, a pool wait) is
   * still stored, well within the drain's 10 s; a database that is gone is given up on.
   */
  stoppingMs?: number
  now?: () => number
}

/**
 * Runs `store` until it succeeds, pausing longer after each failure (up to `maxDelayMs`).
 * A tick's changes are already in the live documents, held back from clients; storing them
 * is the only way forward, so the tick waits for the database rather than drop them. Once
 * the ingest stops it tries for `stoppingMs` more, then gives up (the changes were never
 * shown or stored; the next instance decides those entries again).
 */
export async function storeUntilDone<T>(
  store: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const first = options.firstDelayMs ?? 100
  const max = options.maxDelayMs ?? 5_000
  const now = options.now ?? Date.now
  let stoppingSince: number | null = null
  for (let attempt = 1; ; attempt++) {
    try {
      return await store()
    } catch (error) {
      if (options.stopped()) {
        stoppingSince ??= now()
        if (now() - stoppingSince >= (options.stoppingMs ?? 3_000)) throw error
      }
      options.onRetry(error, attempt)
      const delay = Math.min(max, first * 2 ** (attempt - 1))
      await new Promise((r) => setTimeout(r, stoppingSince === null ? delay : Math.min(delay, 250)))
    }
  }
}
