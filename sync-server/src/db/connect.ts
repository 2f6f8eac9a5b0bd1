import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import { Migrator } from 'kysely/migration'
import pg from 'pg'
import { type DialectName, migrationProvider } from './migrations/index.ts'
import type { Database } from './schema.ts'

// bigint columns come back as strings from pg by default; ours fit in a double.
pg.types.setTypeParser(20, (value) => Number(value))

export interface Db {
  kysely: Kysely<Database>
  dialect: DialectName
  /** Postgres: the connection pool's figures, for the metrics. SQLite has no pool. */
  pool?: PoolWatch
  close(): Promise<void>
}

export interface PoolWatch {
  /** Connections open, idle in the pool, and queries waiting for one. */
  stats(): { total: number; idle: number; waiting: number }
  /** Told how long each checkout waited for a connection. */
  onWait: ((seconds: number) => void) | undefined
}

export type DatabaseTarget =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; schema?: string }

/** Opens the database and applies pending migrations. */
export async function openDatabase(target: DatabaseTarget): Promise<Db> {
  const { kysely, pool } =
    target.kind === 'sqlite'
      ? { kysely: sqlite(target.file), pool: undefined }
      : postgres(target.url, target.schema)
  const db: Db = {
    kysely,
    dialect: target.kind,
    ...(pool ? { pool } : {}),
    close: () => kysely.destroy(),
  }
  const migrator = new Migrator({
    db: kysely,
    provider: migrationProvider(target.kind),
    // Without this, Kysely takes migration tables in any other schema of the database for
    // ours and skips creating them (one schema per test run shares the database).
    ...(target.kind === 'postgres' && target.schema ? { migrationTableSchema: target.schema } : {}),
  })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error || failed) {
    await kysely.destroy()
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`)
  }
  return db
}

function sqlite(file: string): Kysely<Database> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const database = new SQLite(file)
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = NORMAL')
  database.pragma('foreign_keys = ON')
  database.pragma('busy_timeout = 5000')
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
  })
}

/** Prepared statements kept at once (the most recently used). */
export const CACHED_STATEMENTS = 256

/**
 * The database as Kysely's SQLite driver sees it, with prepared statements kept by their
 * SQL: the driver prepares every query anew, which was 5 % of a join's CPU in a join storm.
 * A statement still being iterated (a streamed query) is not handed out again.
 */
export function withStatementCache(database: SQLite.Database, size = CACHED_STATEMENTS) {
  const cache = new Map<string, SQLite.Statement>()
  return {
    close: () => {
      cache.clear()
      database.close()
    },
    prepare(sql: string): SQLite.Statement {
      const cached = cache.get(sql)
      cache.delete(sql)
      const statement = cached && !cached.busy ? cached : database.prepare(sql)
      cache.set(sql, statement)
      if (cache.size > size) cache.delete(cache.keys().next().value!)
      return statement
    },
  }
}

function postgres(url: string, schema?: string): { kysely: Kysely<Database>; pool: PoolWatch } {
  // A schema per test run keeps parallel suites apart on one Postgres database.
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  })
  // Postgres restarting ends the connections with an error: the pool emits it for an idle
  // one, the client itself for one checked out between queries (inside a transaction, say).
  // With no listener either ended the process. The query in flight fails on its own; the
  // pool drops a broken connection and opens a new one for the next query.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  const watch: PoolWatch = {
    stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    onWait: undefined,
  }
  timeCheckouts(pool, watch)
  return { kysely: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), pool: watch }
}

/** Wraps `pool.connect` (both its promise and its callback form) to time each checkout. */
function timeCheckouts(pool: pg.Pool, watch: PoolWatch): void {
  type Callback = (error: Error | undefined, client: pg.PoolClient, done: () => void) => void
  const connect = pool.connect.bind(pool) as (
    callback?: Callback,
  ) => Promise<pg.PoolClient> | undefined
  const report = (started: number) => watch.onWait?.((performance.now() - started) / 1000)
  pool.connect = ((callback?: Callback) => {
    const started = performance.now()
    if (callback)
      return connect((error, client, done) => {
        report(started)
        callback(error, client, done)
      })
    return (connect() as Promise<pg.PoolClient>).then((client) => {
      report(started)
      return client
    })
  }) as typeof pool.connect
}
