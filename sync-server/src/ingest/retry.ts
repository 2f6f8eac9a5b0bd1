export interface RetryOptions {
  /** True once the ingest is stopping: give up then (nothing was shown, nothing is lost). */
  stopped(): boolean
  onRetry(error: unknown, attempt: number): void
  firstDelayMs?: number
  maxDelayMs?: number
}

/**
 * Runs `store` until it succeeds, pausing longer after each failure (up to `maxDelayMs`).
 * A tick's changes are already in the live documents, held back from clients; storing them
 * is the only way forward, so the tick waits for the database rather than drop them.
 */
export async function storeUntilDone<T>(
  store: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const first = options.firstDelayMs ?? 100
  const max = options.maxDelayMs ?? 5_000
  for (let attempt = 1; ; attempt++) {
    try {
      return await store()
    } catch (error) {
      if (options.stopped()) throw error
      options.onRetry(error, attempt)
      await new Promise((r) => setTimeout(r, Math.min(max, first * 2 ** (attempt - 1))))
    }
  }
}
