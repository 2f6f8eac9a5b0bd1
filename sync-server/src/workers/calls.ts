import { Worker } from 'node:worker_threads'

/** A worker's answer to one call: the value, or why there is none. */
export interface Answer<T> {
  id: number
  value?: T
  error?: string
}

export interface WorkerCallsOptions<T> {
  /** The worker's module. */
  url: URL
  /** What the worker is, for errors ("the update merger"). */
  name: string
  /** What a failed call did, for errors ("merging updates"). */
  doing: string
  /** Reads the worker's message as an answer. */
  answer(message: unknown): Answer<T>
}

/**
 * Calls to a worker thread that answers each by its id: the worker starts on first use,
 * keeps the process alive only while a call waits, and is started again if it dies (the
 * calls that were waiting fail with why).
 */
export class WorkerCalls<T> {
  private running: Worker | null = null
  private readonly waiting = new Map<
    number,
    { resolve(value: T): void; reject(error: Error): void }
  >()
  private closed = false

  constructor(private readonly options: WorkerCallsOptions<T>) {}

  get isClosed(): boolean {
    return this.closed
  }

  /** Sends `message` and resolves with the answer to call `id`. */
  call(id: number, message: unknown): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`${this.options.name} was closed`))
    const worker = this.worker()
    return new Promise<T>((resolve, reject) => {
      if (this.waiting.size === 0) worker.ref()
      this.waiting.set(id, { resolve, reject })
      // Copied, not transferred: the bytes may be views into pooled buffers.
      worker.postMessage(message)
    })
  }

  /** Sends a message that has no answer. */
  post(message: unknown): void {
    if (!this.closed) this.worker().postMessage(message)
  }

  async close(): Promise<void> {
    this.closed = true
    const worker = this.running
    this.running = null
    if (worker) await worker.terminate()
    this.failAll(new Error(`${this.options.name} was closed`))
  }

  private worker(): Worker {
    if (this.running) return this.running
    const { url, name, doing } = this.options
    const worker = new Worker(url)
    worker.unref()
    worker.on('message', (message: unknown) => {
      const answer = this.options.answer(message)
      const waiting = this.waiting.get(answer.id)
      if (!waiting) return
      this.waiting.delete(answer.id)
      if (this.waiting.size === 0) worker.unref()
      if (answer.value !== undefined) waiting.resolve(answer.value)
      else waiting.reject(new Error(`${doing} failed: ${answer.error ?? 'unknown error'}`))
    })
    const lost = (error: Error) => {
      if (this.running !== worker) return
      this.running = null
      this.failAll(error)
    }
    worker.on('error', lost)
    worker.on('exit', (code) => lost(new Error(`${name} stopped (exit code ${code})`)))
    this.running = worker
    return worker
  }

  private failAll(error: Error): void {
    const waiting = [...this.waiting.values()]
    this.waiting.clear()
    for (const w of waiting) w.reject(error)
  }
}
