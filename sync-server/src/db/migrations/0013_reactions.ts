import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/** Migration 0013_reactions. Never edit one that has shipped; add the next. */
export function reactions(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // One row per window with reactions, per server instance: counts, never people.
      await db.schema
        .createTable('reaction_windows')
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('second', 'bigint', (c) => c.notNull())
        .addColumn('instance_id', 'text', (c) => c.notNull())
        .addColumn('counts', 'text', (c) => c.notNull())
        .addColumn('total', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('reaction_windows_pk', ['session_id', 'second', 'instance_id'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('reaction_windows').ifExists().execute()
    },
  }
}
