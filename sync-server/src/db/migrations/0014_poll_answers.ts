import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/** Migration 0014_poll_answers. Never edit one that has shipped; add the next. */
export function pollAnswers(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // One answer per person per poll, whatever clients send: the key says so, as the
      // votes table's does for votes. Results are counted from these rows.
      await db.schema
        .createTable('poll_answers')
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('poll_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('quiz_id', 'text')
        .addColumn('answer', 'text', (c) => c.notNull())
        .addColumn('answered_at', 'bigint', (c) => c.notNull())
        .addColumn('points', 'integer')
        .addPrimaryKeyConstraint('poll_answers_pk', ['session_id', 'poll_id', 'user_id'])
        .execute()
      await db.schema
        .createIndex('poll_answers_quiz')
        .on('poll_answers')
        .columns(['session_id', 'quiz_id'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('poll_answers').ifExists().execute()
    },
  }
}
