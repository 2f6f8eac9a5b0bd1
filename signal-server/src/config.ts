import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { env } from '@podium/shared/server'
import { z } from 'zod'
import type { BroadcastConfig } from './index.ts'
import { findFfmpeg } from './sfu/broadcast/ffmpeg.ts'
import type { SfuTarget } from './sfu/proxy.ts'
import type { DatabaseTarget } from './standing/database.ts'
import type { TurnConfig } from './turn/credentials.ts'

/** The environment of a standalone signal-server (docker-compose runs it as its own service). */
export const SignalEnv = z.object({
  SIGNAL_PORT: env.port.default(9000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Must be the sync-server's TOKEN_SECRET; or read from DATA_DIR/token-secret when shared. */
  TOKEN_SECRET: env.secret(32).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  /** The sync-server's Postgres: whether a staff role was withdrawn is read there. */
  DATABASE_URL: env.databaseUrl("the sync-server's DATABASE_URL"),
  DATABASE_SCHEMA: env.databaseSchema,
  /** The sync-servers' Redis: withdrawn roles are announced there and close sockets at once. */
  REDIS_URL: env.redisUrl,
  PUBLIC_URL: env.publicUrl,
  LOG_LEVEL: env.logLevel,
  TURN_SECRET: env.secret(16).optional(),
  TURN_URLS: env.iceUrlList.default([]),
  STUN_URLS: env.iceUrlList.default([]),
  TURN_TTL_SECONDS: env.positiveInt('a number of seconds').default(3600),
  /**
   * The sync-server as this service reaches it (compose: http://sync-server:8080): the host's
   * plan decides whether a session has a video stage, and billing lives there.
   */
  SYNC_SERVER_URL: z
    .url({
      protocol: /^https?$/,
      error: 'an http:// or https:// URL such as http://sync-server:8080',
    })
    .optional(),
  /** Janus's WebSocket API; unset: the stage stays peer to peer with its cap. */
  JANUS_URL: env.janusUrl,
  /** Janus's api_secret, when it has one. */
  JANUS_API_SECRET: z.string().min(8, 'at least 8 characters').optional(),
  /** Viewers one feed may have through the SFU; the rest watch the HLS broadcast. */
  SFU_MAX_VIEWERS: env.sfuMaxViewers,
  /** The ffmpeg the HLS broadcast runs; unset: `ffmpeg` on PATH. */
  FFMPEG_PATH: env.ffmpegPath,
  /** Where Janus sends the broadcast's RTP to reach this server. */
  BROADCAST_RTP_ADDRESS: env.rtpHost,
  /** `true` behind a reverse proxy, so X-Forwarded-For gives the client's address. */
  TRUST_PROXY: env.trustProxy,
  /** Bearer token /metrics asks for; unset: /metrics answers only requests from this machine. */
  METRICS_TOKEN: env.metricsToken,
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
  janus: SfuTarget | undefined
  /** Where the video stage's plan check is asked; unset: every session may have a stage. */
  syncServerUrl: string | undefined
  sfuMaxViewers: number
  broadcast: BroadcastConfig
  trustProxy: boolean
  metricsToken: string | undefined
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
    janus: e.JANUS_URL ? { url: e.JANUS_URL, apiSecret: e.JANUS_API_SECRET } : undefined,
    syncServerUrl: e.SYNC_SERVER_URL,
    sfuMaxViewers: e.SFU_MAX_VIEWERS,
    broadcast: {
      dir: join(resolve(e.DATA_DIR), 'broadcasts'),
      ffmpeg: findFfmpeg(e.FFMPEG_PATH),
      rtpHost: e.BROADCAST_RTP_ADDRESS,
    },
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
  }
}
