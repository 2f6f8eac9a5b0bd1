import { type AccessClaims, signToken } from '@podium/shared/token'
import pino from 'pino'
import { type Db, openDatabase } from '../../../sync-server/src/db/connect.ts'
import { createTestSchema } from '../../../test-support/postgres.ts'
import { loadSignalConfig } from '../../src/config.ts'
import { createSignalServer, type SignalServer } from '../../src/server.ts'

export const SECRET = 'signal-test-secret-signal-test-secret-00'
export const TURN_SECRET = 'turn-test-secret-0123456789'

type TokenClaims = Partial<Omit<AccessClaims, 'typ'>> & Pick<AccessClaims, 'sub' | 'sid' | 'role'>

export interface TestSignal {
  server: SignalServer
  /** http://127.0.0.1:<port> */
  url: string
  /** The database it reads, as the sync-server would have written it (its own schema). */
  db: Db
  /** The environment that points another server at the same database. */
  databaseEnv: { DATABASE_URL: string; DATABASE_SCHEMA: string }
  /** Signs a token and records its session and user as the sync-server would have. */
  token(claims: TokenClaims, options?: { ttlSeconds?: number }): Promise<string>
  close(): Promise<void>
}

/**
 * A real signal-server on a free port, reading a Postgres schema of its own that has the
 * sync-server's tables (as docker compose runs it beside the sync-server).
 */
export async function startSignal(
  env: Record<string, string> = {},
  options: { recheckMs?: number } = {},
): Promise<TestSignal> {
  const schema = await createTestSchema()
  const db = await openDatabase({ kind: 'postgres', url: schema.url, schema: schema.schema })
  const databaseEnv = { DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema }
  const config = loadSignalConfig({
    SIGNAL_PORT: '0',
    HOST: '127.0.0.1',
    TOKEN_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    ...databaseEnv,
    ...env,
  })
  const server = await createSignalServer(config, pino({ level: 'silent' }), options)
  const url = await server.listen()
  return {
    server,
    url,
    db,
    databaseEnv,
    async token(claims, tokenOptions = {}) {
      const now = Date.now()
      await db.kysely
        .insertInto('sessions')
        .values({
          id: claims.sid,
          code: claims.sid,
          title: 'Signal test',
          host_user_id: claims.role === 'host' ? claims.sub : 'hostunknown',
          status: 'live',
          settings: '{}',
          created_at: now,
          updated_at: now,
        })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .execute()
      await db.kysely
        .insertInto('users')
        .values({
          id: claims.sub,
          session_id: claims.sid,
          name: claims.name ?? null,
          role: claims.role,
          created_at: now,
        })
        .onConflict((conflict) => conflict.column('id').doUpdateSet({ role: claims.role }))
        .execute()
      return accessToken(claims, tokenOptions)
    },
    async close() {
      await server.close()
      await db.close()
      await schema.drop()
    },
  }
}

/** A signed token alone: its session and user are in no database. */
export function accessToken(
  claims: TokenClaims,
  options: { secret?: string; ttlSeconds?: number } = {},
): Promise<string> {
  return signToken(
    options.secret ?? SECRET,
    { typ: 'access', name: null, ...claims },
    options.ttlSeconds ?? 3600,
  )
}
