import { Worker } from 'node:worker_threads'
import { HttpProblem } from '../http/problem.ts'
import type { BuiltImport, ImportIds, ImportOutcome } from './build-import.ts'

interface Waiting {
  resolve(outcome: ImportOutcome): void
  reject(error: Error): void
}

interface Answer {
  id: number
  outcome?: ImportOutcome
  error?: string
}

/** An import's body, sent to the import thread chunk by chunk as it arrives. */
export class ImportUpload {
  bytes = 0
  constructor(
    private readonly thread: ImportThread,
    readonly id: number,
  ) {}

  write(chunk: Uint8Array): void {
    this.bytes += chunk.byteLength
    this.thread.send({ type: 'chunk', id: this.id, chunk })
  }

  /** The new session's content, or throws the HttpProblem the export deserves. May run again. */
  build(ids: ImportIds): Promise<BuiltImport> {
    return this.thread.build(this.id, this.bytes, ids)
  }

  discard(): void {
    if (this.bytes > 0) this.thread.send({ type: 'discard', id: this.id })
  }
}

/**
 * The thread imports are read and built on (build-import.ts). An export is up to
 * IMPORT_MAX_BYTES of JSON on purpose. Read into one buffer, parsed, validated and made
 * into documents on the server's thread, a 23 MB export held it for 8 to 13 s (a busy 2-core machine), and
 * every room with it; here each chunk of the body goes to the worker as it arrives, and
 * the server's thread only writes the rows and stores the documents the worker made.
 * The worker starts on first use (loading its modules takes a second or two, on its
 * own thread) and is restarted if it dies.
 */
export class ImportThread {
  private worker: Worker | null = null
  private next = 0
  private readonly waiting = new Map<number, Waiting>()
  private closed = false

  upload(): ImportUpload {
    if (this.closed) throw new Error('the import thread was closed')
    return new ImportUpload(this, this.next++)
  }

  send(
    message: { type: 'chunk'; id: number; chunk: Uint8Array } | { type: 'discard'; id: number },
  ) {
    if (this.closed) return
    // Chunks are copied, not transferred: they may be views into the socket's buffers.
    this.ensureWorker().postMessage(message)
  }

  async build(id: number, bytes: number, ids: ImportIds): Promise<BuiltImport> {
    if (this.closed) throw new Error('the import thread was closed')
    const worker = this.ensureWorker()
    const outcome = await new Promise<ImportOutcome>((resolve, reject) => {
      if (this.waiting.size === 0) worker.ref()
      this.waiting.set(id, { resolve, reject })
      worker.postMessage({ type: 'build', id, bytes, ids })
    })
    if (outcome.ok) return outcome.built
    const { status, title, detail, errors } = outcome.problem
    throw new HttpProblem(status, title, detail, errors)
  }

  async close(): Promise<void> {
    this.closed = true
    const worker = this.worker
    this.worker = null
    if (worker) await worker.terminate()
    this.failAll(new Error('the import thread was closed'))
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker
    const worker = new Worker(new URL('./import-worker.mjs', import.meta.url))
    worker.unref()
    worker.on('message', (answer: Answer) => {
      const waiting = this.waiting.get(answer.id)
      if (!waiting) return
      this.waiting.delete(answer.id)
      if (this.waiting.size === 0) worker.unref()
      if (answer.outcome) waiting.resolve(answer.outcome)
      else
        waiting.reject(new Error(`building an import failed: ${answer.error ?? 'unknown error'}`))
    })
    const lost = (error: Error) => {
      if (this.worker !== worker) return
      this.worker = null
      this.failAll(error)
    }
    worker.on('error', lost)
    worker.on('exit', (code) => lost(new Error(`the import thread stopped (exit code ${code})`)))
    this.worker = worker
    return worker
  }

  private failAll(error: Error): void {
    const waiting = [...this.waiting.values()]
    this.waiting.clear()
    for (const w of waiting) w.reject(error)
  }
}
