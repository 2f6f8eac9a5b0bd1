import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/** Migration 0015_status. Never edit one that has shipped; add the next. */
export function status(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Each instance's own periodic checks: one row per component per check.
      await db.schema
        .createTable('status_checks')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('instance', 'text', (c) => c.notNull())
        .addColumn('component', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('status_checks_component_at')
        .on('status_checks')
        .columns(['component', 'at'])
        .execute()
      // Notes the operator posts on the status page.
      await db.schema
        .createTable('status_incidents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('impact', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('resolved_at', 'bigint')
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('status_incidents').execute()
      await db.schema.dropTable('status_checks').execute()
    },
  }
}
