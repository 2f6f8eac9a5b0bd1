import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/** Migration 0019_recordings. Never edit one that has shipped; add the next. */
export function recordings(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Stage recordings: one row each; the file lives under DATA_DIR/recordings.
      await db.schema
        .createTable('recordings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('stopped_at', 'bigint')
        .addColumn('duration_ms', 'bigint')
        .addColumn('size_bytes', 'bigint')
        .addColumn('file', 'text')
        .addColumn('error', 'text')
        .execute()
      await db.schema
        .createIndex('recordings_session')
        .on('recordings')
        .columns(['session_id', 'started_at'])
        .execute()
      await db.schema
        .createIndex('recordings_started')
        .on('recordings')
        .column('started_at')
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('recordings').execute()
    },
  }
}
