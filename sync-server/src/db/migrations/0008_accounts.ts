import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { DialectName } from './types.ts'

/** Migration 0008_accounts. Never edit one that has shipped; add the next. */
export function accounts(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('email_verified', 'integer', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      // A way of signing in (an OpenID issuer's subject, a GitHub user) that leads to an account.
      await db.schema
        .createTable('identities')
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('identities_pk', ['provider', 'subject'])
        .execute()
      await db.schema
        .createIndex('identities_account')
        .on('identities')
        .column('account_id')
        .execute()
      // One per signed-in browser: its refresh tokens are one family.
      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('revoked_reason', 'text')
        .execute()
      await db.schema.createIndex('devices_account').on('devices').column('account_id').execute()
      // Refresh tokens, hashed; `used_at` is set when one is rotated, so using it again is a replay.
      await db.schema
        .createTable('refresh_tokens')
        .addColumn('hash', 'text', (c) => c.primaryKey())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute()
      await db.schema
        .createIndex('refresh_tokens_device')
        .on('refresh_tokens')
        .column('device_id')
        .execute()
      // Single-use sign-in links, hashed.
      await db.schema
        .createTable('email_links')
        .addColumn('hash', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('return_to', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute()
      // A sign-in through a provider in flight: its state, PKCE verifier and nonce.
      await db.schema
        .createTable('auth_requests')
        .addColumn('state', 'text', (c) => c.primaryKey())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('code_verifier', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('return_to', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.alterTable('users').addColumn('account_id', 'text').execute()
      await db.schema
        .createIndex('users_account')
        .on('users')
        .columns(['account_id', 'session_id'])
        .execute()
      await db.schema.alterTable('sessions').addColumn('owner_account_id', 'text').execute()
      await db.schema
        .createIndex('sessions_owner')
        .on('sessions')
        .column('owner_account_id')
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('sessions_owner').ifExists().execute()
      await db.schema.alterTable('sessions').dropColumn('owner_account_id').execute()
      await db.schema.dropIndex('users_account').ifExists().execute()
      await db.schema.alterTable('users').dropColumn('account_id').execute()
      for (const table of [
        'auth_requests',
        'email_links',
        'refresh_tokens',
        'devices',
        'identities',
        'accounts',
      ])
        await db.schema.dropTable(table).ifExists().execute()
    },
  }
}
