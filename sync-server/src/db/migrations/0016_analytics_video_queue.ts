import { type Kysely, sql } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/** Video quality counters a minute's rollup gains: sums, and how many reports gave each mean. */
export const VIDEO_MINUTE_COUNTERS = [
  'video_reports',
  'video_poor',
  'video_rtt_ms',
  'video_rtt_n',
  'video_loss_bp',
  'video_loss_n',
  'video_jitter_ms',
  'video_jitter_n',
  'video_kbps',
  'video_kbps_n',
  'video_fps_x100',
  'video_fps_n',
] as const

/** Migration 0016_analytics_video_queue. Never edit one that has shipped; add the next. */
export function analyticsVideoQueue(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const name of VIDEO_MINUTE_COUNTERS)
        await db.schema
          .alterTable('analytics_minutes')
          .addColumn(name, 'bigint', (c) => c.notNull().defaultTo(0))
          .execute()
      // A question its author took back: no longer waiting in the moderation queue.
      await db.schema
        .alterTable('analytics_questions')
        .addColumn('withdrawn_at', 'bigint')
        .execute()
      // What the queue-age alert looks for: asks nobody has decided on yet.
      await db.schema
        .createIndex('analytics_questions_waiting')
        .on('analytics_questions')
        .columns(['asked_at', 'session_id'])
        .where(sql<boolean>`published_at is null and rejected_at is null and withdrawn_at is null`)
        .execute()
      // A session's own alert thresholds (JSON); a session without a row has the defaults.
      await db.schema
        .createTable('analytics_alert_settings')
        .addColumn('session_id', 'text', (c) => c.primaryKey())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('analytics_alert_settings').execute()
      await db.schema.dropIndex('analytics_questions_waiting').execute()
      await db.schema.alterTable('analytics_questions').dropColumn('withdrawn_at').execute()
      for (const name of VIDEO_MINUTE_COUNTERS)
        await db.schema.alterTable('analytics_minutes').dropColumn(name).execute()
    },
  }
}
