import type { Document } from '@hocuspocus/server'
import { documentName } from '@podium/shared'
import { captureTransaction } from './capture.ts'
import { HeldBroadcasts } from './hold.ts'
import { emptyBatch, type IngestBatch } from './repository.ts'

export interface ReadBackDeps {
  /** How long after being asked the ids are read back. */
  delayMs: number
  /** Runs work once the session's running tick is done (ticks and read-backs never overlap). */
  afterRunning(work: () => Promise<void>, failed: string): void
  /** The public document, opened for the length of `use`. */
  withPublic(use: (doc: Document) => Promise<void>): Promise<void>
  stopped(): boolean
  /** What a failed read-back is logged as. */
  failed: string
  /** Reads the ids' values from the table and corrects the document; says whether it did. */
  correct(doc: Document, ids: string[]): Promise<boolean>
}

/**
 * Values each instance counts on top of what it last read (vote tallies, poll results) are
 * read back from the table, which holds every instance's, a moment after they were written:
 * one timer for all ids due. A read-back that corrected something, or failed, is due again,
 * since another instance may have written an older value over it meanwhile.
 */
export class ReadBack {
  private readonly due = new Set<string>()
  private timer: NodeJS.Timeout | null = null

  constructor(private readonly deps: ReadBackDeps) {}

  /** Reads these ids back in `delayMs`. */
  later(ids: Iterable<string>): void {
    for (const id of ids) this.due.add(id)
    if (this.timer || this.deps.stopped() || this.due.size === 0) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.deps.afterRunning(() => this.run(), this.deps.failed)
    }, this.deps.delayMs)
  }

  idle(): boolean {
    return this.timer === null && this.due.size === 0
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private async run(): Promise<void> {
    if (this.deps.stopped() || this.due.size === 0) return
    const ids = [...this.due]
    this.due.clear()
    try {
      await this.deps.withPublic(async (doc) => {
        if (await this.deps.correct(doc, ids)) this.later(ids)
      })
    } catch (error) {
      this.later(ids)
      throw error
    }
  }
}

/**
 * Writes a correction into the public document and stores it before anyone sees it (as a
 * tick's changes are held until stored).
 */
export async function storePublicCorrection(
  pubDoc: Document,
  sessionId: string,
  store: (batch: IngestBatch) => Promise<unknown>,
  write: () => void,
): Promise<void> {
  const held = new HeldBroadcasts()
  held.hold(pubDoc)
  const update = captureTransaction(pubDoc, write)
  if (update)
    await store({ ...emptyBatch(), updates: [{ name: documentName.public(sessionId), update }] })
  held.release()
}
