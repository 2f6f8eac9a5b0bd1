import { parseDocumentName } from '@podium/shared'
import type { Kysely, Transaction } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { Database } from '../db/schema.ts'
import { UpdateMerger } from './merge.ts'

/**
 * Document storage: each document is a list of Yjs updates, appended as they come and
 * merged into one row when the list grows long. Appending is cheap and never re-encodes
 * the whole document; compaction keeps loading fast.
 */
export class DocumentStore {
  /** Documents being compacted now: one compaction of a document at a time. */
  private readonly compacting = new Set<string>()
  /** Deleted sessions (the newest few thousand): their documents are not written again. */
  private readonly deleted = new Set<string>()
  /** Appends waiting to be written together (see append), and whether a write is due or under way. */
  private appends: QueuedAppend[] = []
  private appending = false
  /** Writes of appends made (each one transaction), for tests and metrics. */
  appendWrites = 0
  /** Told how long each append and compaction took (the metrics listen). */
  onTiming: ((operation: 'append' | 'compact', seconds: number) => void) | undefined

  constructor(
    private readonly db: Db,
    readonly compactAfter = 200,
    readonly merger: UpdateMerger = new UpdateMerger(),
  ) {}

  /** The document's whole state as one update, or null if nothing was stored. */
  async load(name: string): Promise<Uint8Array | null> {
    return (await this.loadRows(name))?.state ?? null
  }

  /** The document's whole state, and the ids of the rows it was merged from. */
  loadRows(name: string): Promise<Stored | null> {
    return readStored(this.db.kysely, name, this.merger)
  }

  /**
   * From now on, writes to the documents of `sessionId` are dropped: a document still
   * loaded when its session is deleted stores its last changes as it unloads.
   */
  forgetSession(sessionId: string): void {
    this.deleted.add(sessionId)
    if (this.deleted.size > 5_000) this.deleted.delete(this.deleted.values().next().value as string)
  }

  private isDeleted(name: string): boolean {
    if (this.deleted.size === 0) return false
    const sessionId = parseDocumentName(name)?.sessionId
    return sessionId !== undefined && this.deleted.has(sessionId)
  }

  /**
   * Appends an update to a document's rows. Appends made while others are being written
   * (or in the same turn) are written together, in one transaction of a few statements: a
   * poll storm stores ten thousand outboxes within seconds, and a statement and a commit
   * each cost more than the row. Resolves once the row is committed; a failed write fails
   * every append in it, and nothing of it is stored.
   */
  append(name: string, update: Uint8Array): Promise<void> {
    if (this.isDeleted(name)) return Promise.resolve()
    return new Promise((stored, failed) => {
      this.appends.push({ name, update, stored, failed })
      if (!this.appending) {
        this.appending = true
        setImmediate(() => void this.writeAppends())
      }
    })
  }

  private async writeAppends(): Promise<void> {
    const batch = this.appends
    this.appends = []
    const started = performance.now()
    try {
      const createdAt = Date.now()
      await this.db.kysely.transaction().execute(async (trx) => {
        for (let i = 0; i < batch.length; i += APPENDS_PER_STATEMENT) {
          await trx
            .insertInto('document_updates')
            .values(
              batch
                .slice(i, i + APPENDS_PER_STATEMENT)
                .map((a) => ({ name: a.name, data: a.update, created_at: createdAt })),
            )
            .execute()
        }
      })
      this.appendWrites++
      for (const a of batch) a.stored()
      this.onTiming?.('append', (performance.now() - started) / 1000)
    } catch (error) {
      for (const a of batch) a.failed(error)
    }
    // What was appended meanwhile goes in the next write, at once.
    if (this.appends.length > 0) setImmediate(() => void this.writeAppends())
    else this.appending = false
  }

  async count(name: string): Promise<number> {
    const row = await this.db.kysely
      .selectFrom('document_updates')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('name', '=', name)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /**
   * Replaces the stored updates of `name` by their merge. The merge is made outside any
   * transaction (on the merger's thread when big), so the database is not held meanwhile;
   * rows appended in the meantime are not among those replaced and stay.
   */
  async compact(name: string): Promise<void> {
    if (this.compacting.has(name)) return
    this.compacting.add(name)
    const started = performance.now()
    try {
      const stored = await readStored(this.db.kysely, name, this.merger)
      if (stored && stored.ids.length > 1) await this.replace(name, stored)
      this.onTiming?.('compact', (performance.now() - started) / 1000)
    } finally {
      this.compacting.delete(name)
    }
  }

  /**
   * Stores `stored.state`, the merge of the rows `stored.ids`, in their place (one
   * transaction). Rows appended since they were read are not among the ids and stay.
   */
  async replace(name: string, stored: Stored): Promise<void> {
    if (this.isDeleted(name)) return
    await this.db.kysely.transaction().execute((trx) => putInPlace(trx, name, stored))
  }

  async remove(name: string): Promise<void> {
    await this.db.kysely.deleteFrom('document_updates').where('name', '=', name).execute()
  }
}

/** Rows per INSERT when appends are written together (well under either database's limit on parameters). */
const APPENDS_PER_STATEMENT = 200

interface QueuedAppend {
  name: string
  update: Uint8Array
  stored: () => void
  failed: (error: unknown) => void
}

/** A document's stored state, and the rows it was merged from. */
export interface Stored {
  state: Uint8Array
  ids: number[]
}

async function readStored(
  db: Kysely<Database>,
  name: string,
  merger: UpdateMerger,
): Promise<Stored | null> {
  const rows = await db
    .selectFrom('document_updates')
    .select(['id', 'data'])
    .where('name', '=', name)
    .orderBy('id')
    .execute()
  if (rows.length === 0) return null
  const ids = rows.map((r) => r.id)
  if (rows.length === 1) return { state: toBytes(rows[0]!.data), ids }
  return { state: await merger.merge(rows.map((r) => toBytes(r.data))), ids }
}

/**
 * Deletes exactly the rows merged and inserts their merge: an append that took a lower id
 * but committed after they were read (Postgres hands out ids at insert, not at commit) is
 * not among them and must stay.
 */
async function putInPlace(trx: Transaction<Database>, name: string, stored: Stored): Promise<void> {
  for (let i = 0; i < stored.ids.length; i += 500) {
    await trx
      .deleteFrom('document_updates')
      .where('name', '=', name)
      .where('id', 'in', stored.ids.slice(i, i + 500))
      .execute()
  }
  await trx
    .insertInto('document_updates')
    .values({ name, data: stored.state, created_at: Date.now() })
    .execute()
}

/** SQLite returns Buffer, Postgres returns Buffer; Yjs wants a plain Uint8Array view. */
export function toBytes(data: Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
