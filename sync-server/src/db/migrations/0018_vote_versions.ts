import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/** Migration 0018_vote_versions. Never edit one that has shipped; add the next. */
export function voteVersions(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // The latest version (`seq`) of each user's vote entry on each question whose effect
      // is in `votes`: an older version committed later (by another instance) changes nothing.
      await db.schema
        .createTable('vote_versions')
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('question_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('vote_versions_pk', ['session_id', 'user_id', 'question_id'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('vote_versions').ifExists().execute()
    },
  }
}
