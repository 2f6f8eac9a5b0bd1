import { HttpProblem } from '../http/problem.ts'
import { WorkerCalls } from '../workers/calls.ts'
import type { BuiltImport, ImportIds, ImportOutcome } from './build-import.ts'

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
  private next = 0
  private readonly worker = new WorkerCalls<ImportOutcome>({
    url: new URL('./import-worker.mjs', import.meta.url),
    name: 'the import thread',
    doing: 'building an import',
    answer: (message) => {
      const m = message as Answer
      return {
        id: m.id,
        ...(m.outcome ? { value: m.outcome } : {}),
        ...(m.error ? { error: m.error } : {}),
      }
    },
  })

  upload(): ImportUpload {
    if (this.worker.isClosed) throw new Error('the import thread was closed')
    return new ImportUpload(this, this.next++)
  }

  send(
    message: { type: 'chunk'; id: number; chunk: Uint8Array } | { type: 'discard'; id: number },
  ) {
    // Chunks are copied, not transferred: they may be views into the socket's buffers.
    this.worker.post(message)
  }

  async build(id: number, bytes: number, ids: ImportIds): Promise<BuiltImport> {
    const outcome = await this.worker.call(id, { type: 'build', id, bytes, ids })
    if (outcome.ok) return outcome.built
    const { status, title, detail, errors } = outcome.problem
    throw new HttpProblem(status, title, detail, errors)
  }

  close(): Promise<void> {
    return this.worker.close()
  }
}
