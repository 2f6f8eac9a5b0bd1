import type { Selectable } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { RecordingsTable } from '../db/schema.ts'

export type RecordingRow = Selectable<RecordingsTable>

/** The recordings table: one row per recording, owned by its session. */
export class RecordingStore {
  constructor(private readonly db: Db) {}

  insert(row: { id: string; sessionId: string; startedAt: number }) {
    return this.db.kysely
      .insertInto('recordings')
      .values({
        id: row.id,
        session_id: row.sessionId,
        status: 'recording',
        started_at: row.startedAt,
      })
      .execute()
  }

  /** The session's recording in progress, if any. */
  active(sessionId: string): Promise<RecordingRow | undefined> {
    return this.db.kysely
      .selectFrom('recordings')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('status', '=', 'recording')
      .executeTakeFirst()
  }

  get(sessionId: string, id: string): Promise<RecordingRow | undefined> {
    return this.db.kysely
      .selectFrom('recordings')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('id', '=', id)
      .executeTakeFirst()
  }

  list(sessionId: string): Promise<RecordingRow[]> {
    return this.db.kysely
      .selectFrom('recordings')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('started_at', 'desc')
      .execute()
  }

  withStatus(status: string): Promise<RecordingRow[]> {
    return this.db.kysely
      .selectFrom('recordings')
      .selectAll()
      .where('status', '=', status)
      .execute()
  }

  /** Finished recordings that started before `before` (retention). */
  olderThan(before: number): Promise<RecordingRow[]> {
    return this.db.kysely
      .selectFrom('recordings')
      .selectAll()
      .where('started_at', '<', before)
      .where('status', 'in', ['ready', 'failed'])
      .execute()
  }

  stopped(id: string, at: number) {
    return this.db.kysely
      .updateTable('recordings')
      .set({ status: 'processing', stopped_at: at })
      .where('id', '=', id)
      .execute()
  }

  /** Takes over a processing recording: false when another instance took it first. */
  async claim(id: string, stoppedAt: number | null, now: number): Promise<boolean> {
    const result = await this.db.kysely
      .updateTable('recordings')
      .set({ stopped_at: now })
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .where((eb) =>
        stoppedAt === null ? eb('stopped_at', 'is', null) : eb('stopped_at', '=', stoppedAt),
      )
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  ready(id: string, done: { file: string; sizeBytes: number; durationMs: number }) {
    return this.db.kysely
      .updateTable('recordings')
      .set({
        status: 'ready',
        file: done.file,
        size_bytes: done.sizeBytes,
        duration_ms: done.durationMs,
        error: null,
      })
      .where('id', '=', id)
      .execute()
  }

  failed(id: string, error: string) {
    return this.db.kysely
      .updateTable('recordings')
      .set({ status: 'failed', error })
      .where('id', '=', id)
      .execute()
  }

  delete(id: string) {
    return this.db.kysely.deleteFrom('recordings').where('id', '=', id).execute()
  }
}
