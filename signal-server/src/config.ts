import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import type { DatabaseTarget } from './standing/database.ts'
import type { TurnConfig } from './turn/credentials.ts'

const urlList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.string().regex(/^(stun|stuns|turn|turns):[^\s]+$/, 'stun:, stuns:, turn: or turns: URLs'),
    ),
  )

/** The environment of a standalone signal-server (docker-compose runs it as its own service). */
export const SignalEnv = z.object({
  SIGNAL_PORT: z.coerce.number({ error: 'a port number' }).int().min(0).max(65_535).default(9000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Must be the sync-server's TOKEN_SECRET; or read from DATA_DIR/token-secret when shared. */
  TOKEN_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  /** The sync-server's Postgres: whether a staff role was withdrawn is read there. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "a postgres:// URL, the sync-server's DATABASE_URL")
    .optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case SQL identifier')
    .optional(),
  /** The sync-servers' Redis: withdrawn roles are announced there and close sockets at once. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// URL')
    .optional(),
  PUBLIC_URL: z.url({ error: 'an absolute URL such as https://podium.example.org' }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TURN_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  TURN_URLS: urlList.default([]),
  STUN_URLS: urlList.default([]),
  TURN_TTL_SECONDS: z.coerce
    .number({ error: 'a number of seconds' })
    .int()
    .positive()
    .default(3600),
})

export interface SignalConfig {
  port: number
  host: string
  secret: string
  database: DatabaseTarget
  redisUrl: string | undefined
  publicUrl: string | undefined
  logLevel: z.infer<typeof SignalEnv>['LOG_LEVEL']
  turn: TurnConfig
}

export class SignalConfigError extends Error {
  override name = 'SignalConfigError'
}

/** Reads and checks the environment; a bad value throws naming the variable. */
export function loadSignalConfig(
  env: Record<string, string | undefined> = process.env,
): SignalConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  )
  const parsed = SignalEnv.safeParse(present)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment')
      return `${name}=${JSON.stringify(present[name] ?? '')} is not valid: expected ${issue.message}`
    })
    throw new SignalConfigError(`The signal-server cannot start:\n  ${lines.join('\n  ')}`)
  }
  const e = parsed.data
  const secretFile = join(resolve(e.DATA_DIR), 'token-secret')
  const secret =
    e.TOKEN_SECRET ?? (existsSync(secretFile) ? readFileSync(secretFile, 'utf8').trim() : undefined)
  if (!secret) {
    throw new SignalConfigError(
      `The signal-server cannot start:\n  TOKEN_SECRET is not set and ${secretFile} does not exist: set TOKEN_SECRET to the sync-server's.`,
    )
  }
  if (!e.DATABASE_URL) {
    throw new SignalConfigError(
      "The signal-server cannot start:\n  DATABASE_URL is not set: set it to the sync-server's DATABASE_URL, where the signal-server reads whether the host withdrew a staff member's role. (With SQLite, run signaling inside the sync-server: npm start.)",
    )
  }
  return {
    port: e.SIGNAL_PORT,
    host: e.HOST,
    secret,
    database: { url: e.DATABASE_URL, ...(e.DATABASE_SCHEMA ? { schema: e.DATABASE_SCHEMA } : {}) },
    redisUrl: e.REDIS_URL,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL,
    turn: {
      secret: e.TURN_SECRET,
      urls: e.TURN_URLS,
      stunUrls: e.STUN_URLS,
      ttlSeconds: e.TURN_TTL_SECONDS,
    },
  }
}
