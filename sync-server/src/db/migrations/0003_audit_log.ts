import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { type DialectName, types } from './types.ts'

/** Migration 0003_audit_log. Never edit one that has shipped; add the next. */
export function auditLog(dialect: DialectName): Migration {
  const { serial } = types(dialect)
  return {
    async up(db: Kysely<unknown>) {
      // What staff did, written by the server only, from what it saw each connection
      // and token do (the moderators' document's `audit` array is no longer read).
      await db.schema
        .createTable('audit_log')
        .addColumn('id', serial, (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text')
        .addColumn('actor_role', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('detail', 'text')
        .execute()
      await db.schema
        .createIndex('audit_log_session')
        .on('audit_log')
        .columns(['session_id', 'id'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('audit_log').ifExists().execute()
    },
  }
}
