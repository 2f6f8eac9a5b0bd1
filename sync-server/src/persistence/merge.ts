import * as Y from 'yjs'
import { WorkerCalls } from '../workers/calls.ts'

/** Below this many bytes in all, merging here costs less than the trip to the worker. */
export const MERGE_INLINE_BYTES = 64 * 1024

/**
 * Merges stored and pending Yjs updates. A big merge runs on a worker thread: merging a
 * large document's updates took the server's only thread for 380 ms (the store after a
 * 5,000-question session was built), and every client waited for it. Small merges stay
 * here. The worker starts on first use and is restarted if it dies.
 */
export class UpdateMerger {
  private next = 0
  private readonly worker = new WorkerCalls<Uint8Array>({
    url: new URL('./merge-worker.mjs', import.meta.url),
    name: 'the update merger',
    doing: 'merging updates',
    answer: (message) => {
      const m = message as { id: number; merged?: Uint8Array; error?: string }
      return {
        id: m.id,
        ...(m.merged ? { value: m.merged } : {}),
        ...(m.error ? { error: m.error } : {}),
      }
    },
  })
  /** Merges made here and on the worker, for tests and metrics. */
  readonly merged = { inline: 0, worker: 0 }

  async merge(updates: Uint8Array[]): Promise<Uint8Array> {
    if (updates.length === 1) return updates[0]!
    const bytes = updates.reduce((sum, u) => sum + u.byteLength, 0)
    if (bytes < MERGE_INLINE_BYTES || this.worker.isClosed) {
      this.merged.inline++
      return Y.mergeUpdates(updates)
    }
    this.merged.worker++
    const id = this.next++
    return this.worker.call(id, { id, updates })
  }

  /** Stops the worker; later merges run here. */
  close(): Promise<void> {
    return this.worker.close()
  }
}
