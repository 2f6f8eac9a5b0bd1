import type { Document, Hocuspocus } from '@hocuspocus/server'
import type { UnloadGuard } from '../sync/unload-guard.ts'

/**
 * How long the ingest keeps a document it had to open itself (nobody had it loaded)
 * after it last wrote it. The moderators' document is written by every tick with
 * presence or audit entries; closed after each, it was loaded from the database again
 * by the next, which for a big session (thousands of attendees listed) cost more than
 * the rest of the tick.
 */
export const KEEP_OPEN_MS = 15_000

interface Kept {
  document: Document
  close: () => Promise<void>
  timer: NodeJS.Timeout
  lastUsed: number
}

/**
 * Documents one session's ingest opened through direct connections, each kept open
 * until `keepOpenMs` (KEEP_OPEN_MS unless told) after its last use. `busy` is the tick running now, if any: a
 * document is never closed in the middle of one.
 */
export class KeptDocuments {
  private readonly kept = new Map<string, Kept>()

  constructor(
    private readonly hocuspocus: Hocuspocus,
    private readonly guard: UnloadGuard,
    private readonly busy: () => Promise<void> | null,
    private readonly keepOpenMs = KEEP_OPEN_MS,
  ) {}

  /** The kept copy of `name`, marked as used now; undefined when none is open. */
  use(name: string): Document | undefined {
    const kept = this.kept.get(name)
    if (!kept || kept.document.isDestroyed) return undefined
    kept.lastUsed = Date.now()
    kept.timer.refresh()
    return kept.document
  }

  /** Opens `name` and keeps it. */
  async open(name: string): Promise<Document> {
    const connection = await this.guard.openDirect(this.hocuspocus, name)
    const document = connection.document!
    const close = async () => {
      if (this.kept.get(name)?.document === document) this.kept.delete(name)
      await connection.disconnect()
    }
    // A timer may fire a millisecond before Date.now() says the time is up, and a use may
    // land while a tick is awaited: either way the check is made again later, never
    // dropped, or the document would stay loaded for good.
    const expire = () => {
      void (this.busy() ?? Promise.resolve()).then(() => {
        const entry = this.kept.get(name)
        if (!entry || entry.document !== document) return
        const left = this.keepOpenMs - (Date.now() - entry.lastUsed)
        if (left > 0) {
          clearTimeout(entry.timer)
          entry.timer = setTimeout(expire, left)
          entry.timer.unref()
          return
        }
        return close()
      })
    }
    const timer = setTimeout(expire, this.keepOpenMs)
    timer.unref()
    this.kept.set(name, { document, close, timer, lastUsed: Date.now() })
    return document
  }

  async closeAll(): Promise<void> {
    const all = [...this.kept.values()]
    this.kept.clear()
    for (const kept of all) {
      clearTimeout(kept.timer)
      await kept.close()
    }
  }
}
