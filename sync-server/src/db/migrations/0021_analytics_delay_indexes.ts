import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/**
 * Migration 0021_analytics_delay_indexes. Never edit one that has shipped; add the next.
 *
 * The median delays a report and a comparison give rank each session's decisions and
 * answers by delay: these indexes hold them in that order beside the session (with the
 * time a range is cut by), so the database reads the ranks off the index instead of
 * visiting and sorting every question's row (a session of 100,000 events has thousands).
 * The engagement score and the funnel read a session's people and answered questions off
 * indexes of their own, for the same reason.
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
      // The funnel's "got an answer": a session's answered questions and their authors.
      await db.schema
        .createIndex('analytics_questions_answered_by')
        .on('analytics_questions')
        .columns(['session_id', 'answered_at', 'author_id'])
        .execute()
      // Engagement: what each person of a session did, without visiting their rows.
      await db.schema
        .createIndex('analytics_participants_engagement')
        .on('analytics_participants')
        .columns(['session_id', 'seen', 'staff', 'asked', 'replied', 'voted'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('analytics_participants_engagement').execute()
      await db.schema.dropIndex('analytics_questions_answered_by').execute()
      await db.schema.dropIndex('analytics_questions_answered').execute()
      await db.schema.dropIndex('analytics_questions_moderated').execute()
    },
  }
}
