import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/** Migration 0010_notifications. Never edit one that has shipped; add the next. */
export function notifications(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // The durable queue: one row per message and channel, sent once by its idempotency key.
      await db.schema
        .createTable('notifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text')
        .addColumn('email', 'text')
        .addColumn('push_subscription_id', 'text')
        .addColumn('phone', 'text')
        .addColumn('session_id', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .execute()
      await db.schema
        .createIndex('notifications_due')
        .on('notifications')
        .columns(['status', 'next_attempt_at'])
        .execute()
      await db.schema
        .createIndex('notifications_session')
        .on('notifications')
        .columns(['session_id', 'created_at'])
        .execute()
      // What each account wants, per kind and channel; a missing row is the kind's default.
      await db.schema
        .createTable('notification_preferences')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('notification_preferences_pk', ['account_id', 'kind', 'channel'])
        .execute()
      // Addresses that get no more mail of a kind ('*': none at all, after a bounce).
      await db.schema
        .createTable('notification_suppressions')
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('notification_suppressions_pk', ['email', 'kind'])
        .execute()
      await db.schema
        .createTable('push_subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('endpoint', 'text', (c) => c.notNull().unique())
        .addColumn('p256dh', 'text', (c) => c.notNull())
        .addColumn('auth', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('push_subscriptions_account')
        .on('push_subscriptions')
        .column('account_id')
        .execute()
      // One phone number per account, usable once confirmed with a code.
      await db.schema
        .createTable('phone_numbers')
        .addColumn('account_id', 'text', (c) => c.primaryKey())
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('confirmed_at', 'bigint')
        .addColumn('code_hash', 'text')
        .addColumn('code_expires_at', 'bigint')
        .addColumn('code_attempts', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      // Who wants to hear before a session starts.
      await db.schema
        .createTable('session_follows')
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('session_follows_pk', ['session_id', 'account_id'])
        .execute()
      await db.schema
        .createIndex('session_follows_account')
        .on('session_follows')
        .column('account_id')
        .execute()
      // A session's scheduled start (UTC milliseconds) and the time zone it is given in.
      await db.schema.alterTable('sessions').addColumn('starts_at', 'bigint').execute()
      await db.schema.alterTable('sessions').addColumn('time_zone', 'text').execute()
      await db.schema.createIndex('sessions_starts').on('sessions').column('starts_at').execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('sessions_starts').ifExists().execute()
      await db.schema.alterTable('sessions').dropColumn('time_zone').execute()
      await db.schema.alterTable('sessions').dropColumn('starts_at').execute()
      for (const table of [
        'session_follows',
        'phone_numbers',
        'push_subscriptions',
        'notification_suppressions',
        'notification_preferences',
        'notifications',
      ])
        await db.schema.dropTable(table).ifExists().execute()
    },
  }
}
