import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/** Migration 0017_ticket_checkouts. Never edit one that has shipped; add the next. */
export function ticketCheckouts(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Each ticket Checkout Session opened, by Stripe's id: open, complete or expired.
      await db.schema
        .createTable('ticket_checkouts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('ticket_checkouts_holder')
        .on('ticket_checkouts')
        .columns(['session_id', 'account_id'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('ticket_checkouts').execute()
    },
  }
}
