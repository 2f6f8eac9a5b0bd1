import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/** Migration 0002_invite_acceptance_imported_votes. Never edit one that has shipped; add the next. */
export function inviteAcceptanceImportedVotes(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // An invite link is used once: who accepted it, and when.
      await db.schema.alterTable('invites').addColumn('accepted_by', 'text').execute()
      await db.schema.alterTable('invites').addColumn('accepted_at', 'bigint').execute()
      await db.schema
        .createIndex('invites_session')
        .on('invites')
        .columns(['session_id', 'created_at'])
        .execute()
      // Vote tallies that came with an imported session; the ingest adds live votes to them.
      await db.schema
        .createTable('imported_votes')
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('question_id', 'text', (c) => c.notNull())
        .addColumn('votes', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('imported_votes_pk', ['session_id', 'question_id'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('imported_votes').ifExists().execute()
      await db.schema.dropIndex('invites_session').ifExists().execute()
      await db.schema.alterTable('invites').dropColumn('accepted_at').execute()
      await db.schema.alterTable('invites').dropColumn('accepted_by').execute()
    },
  }
}
