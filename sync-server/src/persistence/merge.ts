import { Worker } from 'node:worker_threads'
import * as Y from 'yjs'

/** Below this many bytes in all, merging here costs less than the trip to the worker. */
export const MERGE_INLINE_BYTES = 64 * 1024

interface Waiting {
  resolve(merged: Uint8Array): void
  reject(error: Error): void
}

/**
 * Merges stored and pending Yjs updates. A big merge runs on a worker thread: merging a
 * large document's updates took the server's only thread for 380 ms (the store after a
 * 5,000-question session was built), and every client waited for it. Small merges stay
 * here. The worker starts on first use and is restarted if it dies.
 */
export class UpdateMerger {
  private worker: Worker | null = null
  private next = 0
  private readonly waiting = new Map<number, Waiting>()
  private closed = false
  /** Merges made here and on the worker, for tests and metrics. */
  readonly merged = { inline: 0, worker: 0 }

  async merge(updates: Uint8Array[]): Promise<Uint8Array> {
    if (updates.length === 1) return updates[0]!
    const bytes = updates.reduce((sum, u) => sum + u.byteLength, 0)
    if (bytes < MERGE_INLINE_BYTES || this.closed) {
      this.merged.inline++
      return Y.mergeUpdates(updates)
    }
    this.merged.worker++
    return this.inWorker(updates)
  }

  /** Stops the worker; later merges run here. */
  async close(): Promise<void> {
    this.closed = true
    const worker = this.worker
    this.worker = null
    if (worker) await worker.terminate()
    this.failAll(new Error('the update merger was closed'))
  }

  private inWorker(updates: Uint8Array[]): Promise<Uint8Array> {
    const worker = this.ensureWorker()
    const id = this.next++
    return new Promise<Uint8Array>((resolve, reject) => {
      if (this.waiting.size === 0) worker.ref()
      this.waiting.set(id, { resolve, reject })
      // Copied, not transferred: the bytes may be views into a pooled buffer.
      worker.postMessage({ id, updates })
    })
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker
    const worker = new Worker(new URL('./merge-worker.mjs', import.meta.url))
    worker.unref()
    worker.on('message', (message: { id: number; merged?: Uint8Array; error?: string }) => {
      const waiting = this.waiting.get(message.id)
      if (!waiting) return
      this.waiting.delete(message.id)
      if (this.waiting.size === 0) worker.unref()
      if (message.merged) waiting.resolve(message.merged)
      else waiting.reject(new Error(`merging updates failed: ${message.error ?? 'unknown error'}`))
    })
    const lost = (error: Error) => {
      if (this.worker !== worker) return
      this.worker = null
      this.failAll(error)
    }
    worker.on('error', lost)
    worker.on('exit', (code) => lost(new Error(`the update merger stopped (exit code ${code})`)))
    this.worker = worker
    return worker
  }

  private failAll(error: Error): void {
    const waiting = [...this.waiting.values()]
    this.waiting.clear()
    for (const w of waiting) w.reject(error)
  }
}
