import { type Kysely, sql } from 'kysely'
import type { Migration } from 'kysely/migration'
import { type DialectName, types } from './types.ts'

/** Counters of a session's minute, each 0 unless something happened (see analytics/). */
const MINUTE_COUNTERS = [
  'arrived',
  'departed',
  'new_participants',
  'asked',
  'published',
  'rejected',
  'answered',
  'votes',
  'unvotes',
  'replies',
  'moderated',
  'moderation_ms',
  'answer_timed',
  'answer_ms',
] as const

/** Migration 0009_analytics. Never edit one that has shipped; add the next. */
export function analytics(dialect: DialectName): Migration {
  const { serial } = types(dialect)
  return {
    async up(db: Kysely<unknown>) {
      // What happened, one row per domain event, kept ANALYTICS_RETENTION_DAYS.
      await db.schema
        .createTable('analytics_events')
        .addColumn('id', serial, (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('minute', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('participant_id', 'text')
        .addColumn('subject_id', 'text')
        .addColumn('value', 'bigint')
        .addColumn('detail', 'text')
        .execute()
      await db.schema
        .createIndex('analytics_events_session')
        .on('analytics_events')
        .columns(['session_id', 'id'])
        .execute()
      await db.schema
        .createIndex('analytics_events_at')
        .on('analytics_events')
        .column('at')
        .execute()

      // Per session and minute: what reports read (never the raw events). Kept forever.
      let minutes = db.schema
        .createTable('analytics_minutes')
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('minute', 'bigint', (c) => c.notNull())
        .addColumn('peak_present', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('end_present', 'integer', (c) => c.notNull().defaultTo(0))
      for (const name of MINUTE_COUNTERS)
        minutes = minutes.addColumn(name, 'bigint', (c) => c.notNull().defaultTo(0))
      await minutes
        .addPrimaryKeyConstraint('analytics_minutes_pk', ['session_id', 'minute'])
        .execute()

      // Where each session stands now: who is present, what each person did, each
      // question's times. The subscriber reads them to turn an event into rollup counts.
      await db.schema
        .createTable('analytics_sessions')
        .addColumn('session_id', 'text', (c) => c.primaryKey())
        .addColumn('present', 'integer', (c) => c.notNull().defaultTo(0))
        .execute()
      await db.schema
        .createTable('analytics_participants')
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('first_at', 'bigint', (c) => c.notNull())
        .addColumn('seen', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('present', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('staff', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('asked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('voted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('replied', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('analytics_participants_pk', ['session_id', 'user_id'])
        .execute()
      await db.schema
        .createTable('analytics_questions')
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('question_id', 'text', (c) => c.notNull())
        .addColumn('author_id', 'text')
        .addColumn('asked_at', 'bigint')
        .addColumn('published_at', 'bigint')
        .addColumn('rejected_at', 'bigint')
        .addColumn('moderated_at', 'bigint')
        .addColumn('moderation_ms', 'bigint')
        .addColumn('answered_at', 'bigint')
        .addColumn('answer_ms', 'bigint')
        .addColumn('votes', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('analytics_questions_pk', ['session_id', 'question_id'])
        .execute()
      await db.schema
        .createIndex('analytics_questions_votes')
        .on('analytics_questions')
        .columns(['session_id', 'votes'])
        .execute()

      // Alerts: one row each time a rule fires, closed when it recovers. At most one open
      // per session and rule, however many instances evaluate it.
      await db.schema
        .createTable('analytics_alerts')
        .addColumn('id', serial, (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('fired_at', 'bigint', (c) => c.notNull())
        .addColumn('recovered_at', 'bigint')
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('analytics_alerts_open')
        .on('analytics_alerts')
        .columns(['session_id', 'rule'])
        .unique()
        .where(sql.ref('recovered_at'), 'is', null)
        .execute()
      await db.schema
        .createIndex('analytics_alerts_session')
        .on('analytics_alerts')
        .columns(['session_id', 'id'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      for (const table of [
        'analytics_alerts',
        'analytics_questions',
        'analytics_participants',
        'analytics_sessions',
        'analytics_minutes',
        'analytics_events',
      ])
        await db.schema.dropTable(table).ifExists().execute()
    },
  }
}
