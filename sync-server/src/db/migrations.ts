import type { Kysely } from 'kysely'
import type { Migration, MigrationProvider } from 'kysely/migration'

export type DialectName = 'sqlite' | 'postgres'

/** Versioned migrations, applied in name order at start; never edit one that has shipped. */
export function migrations(dialect: DialectName): Record<string, Migration> {
  const binary = dialect === 'postgres' ? 'bytea' : 'blob'
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer'
  return {
    '0001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('code', 'text', (c) => c.notNull().unique())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('host_user_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('settings', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('session_id', 'text', (c) =>
            c.notNull().references('sessions.id').onDelete('cascade'),
          )
          .addColumn('name', 'text')
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('users_session').on('users').column('session_id').execute()
        await db.schema
          .createTable('votes')
          .addColumn('session_id', 'text', (c) => c.notNull())
          .addColumn('question_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('votes_pk', ['session_id', 'question_id', 'user_id'])
          .execute()
        await db.schema
          .createTable('ingested')
          .addColumn('session_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('entry_id', 'text', (c) => c.notNull())
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('reason', 'text')
          .addColumn('detail', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('ingested_pk', ['session_id', 'user_id', 'entry_id'])
          .execute()
        await db.schema
          .createTable('document_updates')
          .addColumn('id', serial, (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('data', binary, (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('document_updates_name')
          .on('document_updates')
          .columns(['name', 'id'])
          .execute()
        await db.schema
          .createTable('checkpoints')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('session_id', 'text', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('state', binary, (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('checkpoints_session')
          .on('checkpoints')
          .columns(['session_id', 'created_at'])
          .execute()
        await db.schema
          .createTable('invites')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('session_id', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()
      },
      async down(db: Kysely<unknown>) {
        for (const table of [
          'invites',
          'checkpoints',
          'document_updates',
          'ingested',
          'votes',
          'users',
          'sessions',
        ]) {
          await db.schema.dropTable(table).ifExists().execute()
        }
      },
    },
    '0002_invite_acceptance_imported_votes': {
      async up(db: Kysely<unknown>) {
        // An invite link is used once: who accepted it, and when.
        await db.schema.alterTable('invites').addColumn('accepted_by', 'text').execute()
        await db.schema.alterTable('invites').addColumn('accepted_at', 'bigint').execute()
        await db.schema
          .createIndex('invites_session')
          .on('invites')
          .columns(['session_id', 'created_at'])
          .execute()
        // Vote tallies that came with an imported session; the ingest adds live votes to them.
        await db.schema
          .createTable('imported_votes')
          .addColumn('session_id', 'text', (c) => c.notNull())
          .addColumn('question_id', 'text', (c) => c.notNull())
          .addColumn('votes', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('imported_votes_pk', ['session_id', 'question_id'])
          .execute()
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('imported_votes').ifExists().execute()
        await db.schema.dropIndex('invites_session').ifExists().execute()
        await db.schema.alterTable('invites').dropColumn('accepted_at').execute()
        await db.schema.alterTable('invites').dropColumn('accepted_by').execute()
      },
    },
    '0003_audit_log': {
      async up(db: Kysely<unknown>) {
        // What staff did, written by the server only, from what it saw each connection
        // and token do (the moderators' document's `audit` array is no longer read).
        await db.schema
          .createTable('audit_log')
          .addColumn('id', serial, (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('session_id', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('actor_id', 'text')
          .addColumn('actor_name', 'text')
          .addColumn('actor_role', 'text')
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('target_id', 'text')
          .addColumn('detail', 'text')
          .execute()
        await db.schema
          .createIndex('audit_log_session')
          .on('audit_log')
          .columns(['session_id', 'id'])
          .execute()
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('audit_log').ifExists().execute()
      },
    },
    '0006_ingested_entry': {
      async up(db: Kysely<unknown>) {
        // Who wrote an entry, by its id alone: an id another author already used is
        // refused, and the author of an anonymous question is known only here.
        await db.schema
          .createIndex('ingested_entry')
          .on('ingested')
          .columns(['session_id', 'entry_id'])
          .execute()
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropIndex('ingested_entry').ifExists().execute()
      },
    },
    '0007_domain_events': {
      async up(db: Kysely<unknown>) {
        // What the ingest decided, in order, for analytics, notifications and billing.
        await db.schema
          .createTable('domain_events')
          .addColumn('seq', serial, (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('session_id', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('domain_events_session')
          .on('domain_events')
          .columns(['session_id', 'seq'])
          .execute()
        await db.schema
          .createTable('event_cursors')
          .addColumn('subscriber', 'text', (c) => c.primaryKey())
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute()
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('event_cursors').ifExists().execute()
        await db.schema.dropTable('domain_events').ifExists().execute()
      },
    },
  }
}

export function migrationProvider(dialect: DialectName): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) }
}
