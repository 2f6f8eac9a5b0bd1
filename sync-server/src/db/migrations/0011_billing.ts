import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/** Migration 0011_billing. Never edit one that has shipped; add the next. */
export function billing(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // What a paid session's ticket costs: the server's copy, which checkout reads.
      await db.schema
        .createTable('ticket_offers')
        .addColumn('session_id', 'text', (c) => c.primaryKey())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        // JSON {"usd": 2500}: the same ticket in other currencies.
        .addColumn('prices', 'text', (c) => c.notNull())
        .addColumn('capacity', 'integer')
        .addColumn('sales_start', 'bigint')
        .addColumn('sales_end', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
      // Tickets by account (or e-mail, for a comp to someone without an account) and session;
      // one holds at a time, a revoked one stays for the reports.
      await db.schema
        .createTable('tickets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text')
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text')
        .addColumn('amount_refunded', 'bigint', (c) => c.notNull())
        .addColumn('checkout_session_id', 'text', (c) => c.unique())
        .addColumn('payment_intent_id', 'text', (c) => c.unique())
        .addColumn('revoked_reason', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('tickets_session_email')
        .on('tickets')
        .columns(['session_id', 'email'])
        .execute()
      // A seat held while its buyer is in Checkout; it lapses at expires_at.
      await db.schema
        .createTable('ticket_reservations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('checkout_session_id', 'text')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('ticket_reservations_holder', ['session_id', 'account_id'])
        .execute()
      // What Stripe said about each payment, merged monotonically whatever the order of events.
      await db.schema
        .createTable('stripe_payments')
        .addColumn('payment_intent_id', 'text', (c) => c.primaryKey())
        .addColumn('charge_id', 'text')
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('amount_refunded', 'bigint', (c) => c.notNull())
        .addColumn('disputed', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
      // Refunds the host asked for; `revoke` says whether the ticket goes with a partial one.
      await db.schema
        .createTable('ticket_refunds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('ticket_id', 'text', (c) => c.notNull())
        .addColumn('stripe_refund_id', 'text', (c) => c.unique())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('revoke', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('failure', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('ticket_disputes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('payment_intent_id', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      // Every webhook event, stored by its id before it is handled: the durable queue.
      await db.schema
        .createTable('stripe_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('handled_at', 'bigint')
        .execute()
      await db.schema
        .createIndex('stripe_events_due')
        .on('stripe_events')
        .columns(['status', 'next_attempt_at'])
        .execute()
      // A host's plan, as their Stripe subscription says; `grace_until` after a failed renewal.
      await db.schema
        .createTable('host_plans')
        .addColumn('account_id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.unique())
        .addColumn('subscription_id', 'text')
        .addColumn('plan', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('period_end', 'bigint')
        .addColumn('grace_until', 'bigint')
        .addColumn('stripe_updated', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
    },
    async down(db: Kysely<unknown>) {
      for (const table of [
        'host_plans',
        'stripe_events',
        'ticket_disputes',
        'ticket_refunds',
        'stripe_payments',
        'ticket_reservations',
        'tickets',
        'ticket_offers',
      ])
        await db.schema.dropTable(table).ifExists().execute()
    },
  }
}
