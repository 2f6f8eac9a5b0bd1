import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/** Counters of openings a minute's rollup gains: the attendee room and the projector. */
export const OPEN_MINUTE_COUNTERS = ['room_opens', 'projector_opens'] as const

/** Migration 0020_analytics_opens. Never edit one that has shipped; add the next. */
export function analyticsOpens(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const name of OPEN_MINUTE_COUNTERS)
        await db.schema
          .alterTable('analytics_minutes')
          .addColumn(name, 'bigint', (c) => c.notNull().defaultTo(0))
          .execute()
    },
    async down(db: Kysely<unknown>) {
      for (const name of OPEN_MINUTE_COUNTERS)
        await db.schema.alterTable('analytics_minutes').dropColumn(name).execute()
    },
  }
}
