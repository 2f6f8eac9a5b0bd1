import { type Kysely, sql } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/** A session's engagement counts, kept beside its presence level. */
export const ENGAGEMENT_COLUMNS = ['people', 'asked_or_replied', 'voted_only'] as const

/**
 * Migration 0022_analytics_session_engagement. Never edit one that has shipped; add the next.
 *
 * The engagement score counted a session's people at every report and comparison: 2,500
 * index entries a session, 50,000 for a comparison of 20, the larger part of its time.
 * The recorder now keeps the three counts in the session's row as people's flags change,
 * so a report reads one row a session. Existing sessions get theirs counted here, and
 * the index the counting read (0021) goes.
 */
export function analyticsSessionEngagement(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const name of ENGAGEMENT_COLUMNS)
        await db.schema
          .alterTable('analytics_sessions')
          .addColumn(name, 'integer', (c) => c.notNull().defaultTo(0))
          .execute()
      // A session with people but no presence level yet (nobody joined) has no row.
      // `where true` keeps SQLite from reading `on conflict` as a join's `on`.
      await sql`insert into analytics_sessions (session_id)
        select distinct session_id from analytics_participants where true
        on conflict (session_id) do nothing`.execute(db)
      const count = (condition: ReturnType<typeof sql>) => sql`(select count(*)
        from analytics_participants p
        where p.session_id = analytics_sessions.session_id and p.seen = 1 and p.staff = 0
        and ${condition})`
      await sql`update analytics_sessions set
        people = ${count(sql`true`)},
        asked_or_replied = ${count(sql`(p.asked = 1 or p.replied = 1)`)},
        voted_only = ${count(sql`p.asked = 0 and p.replied = 0 and p.voted = 1`)}`.execute(db)
      await db.schema.dropIndex('analytics_participants_engagement').execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema
        .createIndex('analytics_participants_engagement')
        .on('analytics_participants')
        .columns(['session_id', 'seen', 'staff', 'asked', 'replied', 'voted'])
        .execute()
      for (const name of ENGAGEMENT_COLUMNS)
        await db.schema.alterTable('analytics_sessions').dropColumn(name).execute()
    },
  }
}
