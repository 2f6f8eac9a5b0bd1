import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/** Migration 0006_ingested_entry. Never edit one that has shipped; add the next. */
export function ingestedEntry(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Who wrote an entry, by its id alone: an id another author already used is
      // refused, and the author of an anonymous question is known only here.
      await db.schema
        .createIndex('ingested_entry')
        .on('ingested')
        .columns(['session_id', 'entry_id'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('ingested_entry').ifExists().execute()
    },
  }
}
