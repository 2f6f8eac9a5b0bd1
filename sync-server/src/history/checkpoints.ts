import { type CheckpointSummary, newId } from '@podium/shared'
import * as Y from 'yjs'
import type { Db } from '../db/connect.ts'
import { toBytes } from '../persistence/store.ts'

/** Checkpoints of sessions' public documents: the encoded state at a moment, and why. */
export class CheckpointStore {
  constructor(private readonly db: Db) {}

  /** Stores `doc`'s whole state now; returns what was stored. */
  async take(sessionId: string, doc: Y.Doc, reason: string): Promise<CheckpointSummary> {
    return this.add(sessionId, Y.encodeStateAsUpdate(doc), reason)
  }

  async add(sessionId: string, state: Uint8Array, reason: string): Promise<CheckpointSummary> {
    const checkpoint = { id: newId(), reason, createdAt: Date.now() }
    await this.db.kysely
      .insertInto('checkpoints')
      .values({
        id: checkpoint.id,
        session_id: sessionId,
        reason,
        state,
        created_at: checkpoint.createdAt,
      })
      .execute()
    return checkpoint
  }

  /** Newest first. */
  async list(sessionId: string): Promise<CheckpointSummary[]> {
    const rows = await this.db.kysely
      .selectFrom('checkpoints')
      .select(['id', 'reason', 'created_at'])
      .where('session_id', '=', sessionId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute()
    return rows.map((r) => ({ id: r.id, reason: r.reason, createdAt: Number(r.created_at) }))
  }

  /** The checkpoint's content as a document of its own, or null if there is no such one. */
  async load(sessionId: string, id: string): Promise<Y.Doc | null> {
    const row = await this.db.kysely
      .selectFrom('checkpoints')
      .select('state')
      .where('session_id', '=', sessionId)
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) return null
    const doc = new Y.Doc()
    Y.applyUpdate(doc, toBytes(row.state))
    return doc
  }
}
