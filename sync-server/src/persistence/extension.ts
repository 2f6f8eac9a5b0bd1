import type {
  afterUnloadDocumentPayload,
  beforeUnloadDocumentPayload,
  Document,
  Extension,
  onLoadDocumentPayload,
  onStoreDocumentPayload,
} from '@hocuspocus/server'
import type { Logger } from 'pino'
import * as Y from 'yjs'
import { isRedisOrigin } from '../sync/context.ts'
import type { DocumentStore } from './store.ts'

/** Origin of server writes that are stored by their writer at once (see Ingest). */
export const STORED_ORIGIN = {
  source: 'local',
  skipStoreHooks: true,
  context: { stored: true },
} as const

/**
 * Origin of what an instance merged in from storage (see CatchUp): stored already, but
 * told to the other instances through Redis like any change.
 */
export const CAUGHT_UP_ORIGIN = { source: 'local', context: { stored: true } } as const

function isSkipped(origin: unknown): boolean {
  if (origin === STORED_ORIGIN || origin === CAUGHT_UP_ORIGIN) return true
  // Updates relayed from another instance through Redis are stored by that instance.
  return isRedisOrigin(origin)
}

/**
 * The stored rows of a document are counted (to decide on compaction) every this many
 * stores, not after every one: a vote storm stores a thousand outboxes a few times a
 * second, and the count was half the queries. Loading reads every row, so the count starts
 * from there (at most COMPACT_ON_LOAD rows, or one once compacted): a poll storm's first
 * store of ten thousand outboxes counted each one's rows again, 2 % of the server's time.
 * Compaction may so come a few rows late, never not at all.
 */
export const COUNT_EVERY = 16

/**
 * A document loaded from more rows than this is stored back as one (the merge its load
 * made anyway). Loading merges every row: a session's public document of a hundred rows
 * took 120–550 ms to merge before the server could apply it, at every cold load.
 */
export const COMPACT_ON_LOAD = 16

/** Rejects an unload without a message, so Hocuspocus drops it without logging an error. */
class StaleUnload extends Error {
  constructor() {
    super('')
    this.name = 'StaleUnload'
  }
}

/**
 * Persistence: loads a document from its stored updates, and on each (debounced) store
 * appends only the updates that arrived since the last store, never the whole document.
 */
export class Persistence implements Extension {
  priority = 900
  extensionName = 'podium-persistence'
  private readonly pending = new Map<string, Uint8Array[]>()
  /** Stores since each loaded document's rows were last counted. */
  private readonly storesSinceCount = new Map<string, number>()
  private readonly listeners = new Map<
    string,
    { doc: Document; fn: (u: Uint8Array, o: unknown) => void }
  >()

  constructor(
    private readonly store: DocumentStore,
    private readonly log: Logger,
  ) {}

  async onLoadDocument({ document, documentName }: onLoadDocumentPayload): Promise<void> {
    const stored = await this.store.loadRows(documentName)
    if (stored) Y.applyUpdate(document, stored.state, STORED_ORIGIN)
    // Merged already: stored back as one row, the next load need not merge them again.
    // Counted as it loaded: the next count is due COUNT_EVERY stores from now.
    this.storesSinceCount.set(documentName, 0)
    if (stored && stored.ids.length > COMPACT_ON_LOAD) {
      this.store
        .replace(documentName, stored)
        .then(() => this.storesSinceCount.set(documentName, 0))
        .catch((error: unknown) =>
          this.log.warn({ err: error, document: documentName }, 'compacting on load failed'),
        )
    }
    const fn = (update: Uint8Array, origin: unknown) => {
      if (isSkipped(origin)) return
      const list = this.pending.get(documentName)
      if (list) list.push(update)
      else this.pending.set(documentName, [update])
    }
    document.on('update', fn)
    this.listeners.set(documentName, { doc: document, fn })
  }

  async onStoreDocument({ documentName }: onStoreDocumentPayload): Promise<void> {
    await this.flush(documentName)
  }

  /**
   * Hocuspocus unloads by name. When one copy of a document is asked to unload twice (a
   * direct connection's immediate store and its disconnect both ask) and a client has loaded
   * a fresh copy in between, the late unload would drop the fresh copy from the server's map:
   * its clients would stay attached to a document no one writes to or stores again.
   * Only the copy that is currently loaded may unload.
   */
  async beforeUnloadDocument({
    instance,
    documentName,
    document,
  }: beforeUnloadDocumentPayload): Promise<void> {
    if (instance.documents.get(documentName) !== document) throw new StaleUnload()
  }

  async afterUnloadDocument({ documentName }: afterUnloadDocumentPayload): Promise<void> {
    await this.flush(documentName)
    const listener = this.listeners.get(documentName)
    // A copy loaded again meanwhile has its own listener: leave that one in place.
    if (!listener?.doc.isDestroyed) return
    listener.doc.off('update', listener.fn)
    this.listeners.delete(documentName)
    this.storesSinceCount.delete(documentName)
  }

  /** Appends what is pending for `name`; compacts when the list of updates has grown long. */
  async flush(name: string): Promise<void> {
    const updates = this.pending.get(name)
    if (!updates || updates.length === 0) return
    this.pending.delete(name)
    // Whatever fails, the updates stay pending so the next store tries again: nothing is dropped.
    const keep = (kept: Uint8Array[], error: unknown) => {
      this.pending.set(name, [...kept, ...(this.pending.get(name) ?? [])])
      this.log.error({ err: error, document: name }, 'storing document updates failed')
    }
    let merged: Uint8Array
    try {
      merged = await this.store.merger.merge(updates)
    } catch (error) {
      keep(updates, error)
      throw error
    }
    try {
      await this.store.append(name, merged)
    } catch (error) {
      keep([merged], error)
      throw error
    }
    const stores = this.storesSinceCount.get(name)
    if (stores !== undefined && stores + 1 < COUNT_EVERY) {
      this.storesSinceCount.set(name, stores + 1)
      return
    }
    this.storesSinceCount.set(name, 0)
    if ((await this.store.count(name)) > this.store.compactAfter) await this.store.compact(name)
  }

  async flushAll(): Promise<void> {
    for (const name of [...this.pending.keys()]) await this.flush(name)
  }
}
