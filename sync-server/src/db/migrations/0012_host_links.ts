import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/** Migration 0012_host_links. Never edit one that has shipped; add the next. */
export function hostLinks(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // A session's private host links, hashed: the link opens the host console on any
      // device. Issuing a new one revokes the one before (`revoked_at`), so at most one works.
      await db.schema
        .createTable('host_links')
        .addColumn('hash', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute()
      await db.schema
        .createIndex('host_links_session')
        .on('host_links')
        .column('session_id')
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('host_links_session').ifExists().execute()
      await db.schema.dropTable('host_links').ifExists().execute()
    },
  }
}
