import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { type DialectName, types } from './types.ts'

/** Migration 0007_domain_events. Never edit one that has shipped; add the next. */
export function domainEvents(dialect: DialectName): Migration {
  const { serial } = types(dialect)
  return {
    async up(db: Kysely<unknown>) {
      // What the ingest decided, in order, for analytics, notifications and billing.
      await db.schema
        .createTable('domain_events')
        .addColumn('seq', serial, (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('domain_events_session')
        .on('domain_events')
        .columns(['session_id', 'seq'])
        .execute()
      await db.schema
        .createTable('event_cursors')
        .addColumn('subscriber', 'text', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('event_cursors').ifExists().execute()
      await db.schema.dropTable('domain_events').ifExists().execute()
    },
  }
}
