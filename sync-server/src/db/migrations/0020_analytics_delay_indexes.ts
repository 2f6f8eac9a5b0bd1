import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/**
 * Migration 0020_analytics_delay_indexes. Never edit one that has shipped; add the next.
 *
 * The median delays a report and a comparison give rank each session's decisions and
 * answers by delay: these indexes hold them in that order beside the session (with the
 * time a range is cut by), so the database reads the ranks off the index instead of
 * visiting and sorting every question's row (a session of 100,000 events has thousands).
 */
export function analyticsDelayIndexes(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('analytics_questions_moderated')
        .on('analytics_questions')
        .columns(['session_id', 'moderation_ms', 'moderated_at'])
        .execute()
      await db.schema
        .createIndex('analytics_questions_answered')
        .on('analytics_questions')
        .columns(['session_id', 'answer_ms', 'answered_at'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('analytics_questions_answered').execute()
      await db.schema.dropIndex('analytics_questions_moderated').execute()
    },
  }
}
