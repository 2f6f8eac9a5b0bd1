import { CheckpointReason, type CheckpointSummary, newId } from '@podium/shared'
import * as Y from 'yjs'
import type { Db } from '../db/connect.ts'
import { toBytes } from '../persistence/store.ts'

/**
 * What is kept of the checkpoints the server takes by itself (status, agenda, interval):
 * the newest `recent`, and of older ones the newest of each hour. A live session
 * checkpoints every few minutes, each a whole document of up to a few megabytes; kept
 * forever, a day-long conference would store hundreds. Checkpoints a person asked for
 * (manual, and the one taken before a restore) are never thinned out.
 */
export const RETENTION = { recent: 24, bucketMs: 3_600_000 } as const

const AUTOMATIC: readonly string[] = [
  CheckpointReason.status,
  CheckpointReason.agenda,
  CheckpointReason.interval,
]

/** Checkpoints of sessions' public documents: the encoded state at a moment, and why. */
export class CheckpointStore {
  constructor(private readonly db: Db) {}

  /** Stores `doc`'s whole state now; returns what was stored. */
  async take(sessionId: string, doc: Y.Doc, reason: string): Promise<CheckpointSummary> {
    return this.add(sessionId, Y.encodeStateAsUpdate(doc), reason)
  }

  async add(
    sessionId: string,
    state: Uint8Array,
    reason: string,
    at = Date.now(),
  ): Promise<CheckpointSummary> {
    const checkpoint = { id: newId(), reason, createdAt: at }
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

  /** Thins out the session's automatic checkpoints (see RETENTION); returns how many went. */
  async prune(sessionId: string): Promise<number> {
    const rows = await this.db.kysely
      .selectFrom('checkpoints')
      .select(['id', 'created_at'])
      .where('session_id', '=', sessionId)
      .where('reason', 'in', AUTOMATIC)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute()
    const doomed: string[] = []
    const hours = new Set<number>()
    for (const [index, row] of rows.entries()) {
      if (index < RETENTION.recent) continue
      const hour = Math.floor(Number(row.created_at) / RETENTION.bucketMs)
      if (hours.has(hour)) doomed.push(row.id)
      else hours.add(hour)
    }
    for (let i = 0; i < doomed.length; i += 500) {
      await this.db.kysely
        .deleteFrom('checkpoints')
        .where('session_id', '=', sessionId)
        .where('id', 'in', doomed.slice(i, i + 500))
        .execute()
    }
    return doomed.length
  }
}
