import { createECDH, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { env } from '@podium/shared/server'
import { findFfmpeg } from '@podium/signal-server'
import { z } from 'zod'
import { apiTarget, type PaymentsConfig, planPrices } from './billing/config.ts'

const { port, positiveInt, iceUrlList: urlList } = env

/** Every environment variable Podium reads, its default and what it expects. */
export const EnvSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  /** postgres://… to use Postgres; unset for SQLite under DATA_DIR. */
  DATABASE_URL: env.databaseUrl('leave unset for SQLite'),
  /** Schema inside the Postgres database (tests use one per run). */
  DATABASE_SCHEMA: env.databaseSchema,
  /** redis://… to share documents between several sync-server instances. */
  REDIS_URL: env.redisUrl,
  /** The address people reach Podium at; used in join and invite links. */
  PUBLIC_URL: env.publicUrl,
  /** Where browsers reach y-webrtc signaling (`/signal`) when it is not at PUBLIC_URL. */
  SIGNALING_URL: z
    .url({
      protocol: /^(https?|wss?)$/,
      error: 'an absolute http(s) or ws(s) URL such as https://signal.example.org',
    })
    .optional(),
  /** Signs access and invite tokens; generated and kept in DATA_DIR when unset. */
  TOKEN_SECRET: env.secret(32).optional(),
  LOG_LEVEL: env.logLevel,
  /** coturn's static-auth-secret; unset: TURN is not offered. */
  TURN_SECRET: env.secret(16).optional(),
  TURN_URLS: urlList.default([]),
  STUN_URLS: urlList.default([]),
  TURN_TTL_SECONDS: positiveInt('a number of seconds').default(3600),
  /** Janus's WebSocket API (npm start sets it when it starts Janus); unset: mesh only. */
  JANUS_URL: env.janusUrl,
  /** Janus's api_secret, when it has one. */
  JANUS_API_SECRET: z.string().min(8, 'at least 8 characters').optional(),
  /** Viewers one feed may have through the SFU; the rest watch the HLS broadcast. */
  SFU_MAX_VIEWERS: env.sfuMaxViewers,
  /** The ffmpeg the HLS broadcast runs; unset: `ffmpeg` on PATH. */
  FFMPEG_PATH: env.ffmpegPath,
  /** Where Janus sends the broadcast's RTP to reach this server. */
  BROADCAST_RTP_ADDRESS: env.rtpHost,
  /** How often the ingest publishes a session's batched changes. */
  INGEST_TICK_MS: positiveInt('a number of milliseconds').default(50),
  /** How long document changes wait before they are stored (the ingest's own changes are stored at once). */
  STORE_DEBOUNCE_MS: z.coerce
    .number({ error: 'a number of milliseconds' })
    .int()
    .min(0)
    .default(2000),
  MAX_FRAME_BYTES: positiveInt('a number of bytes').default(1024 * 1024),
  /** The built client; unset: client/dist in the repository. */
  CLIENT_DIST: z.string().optional(),
  /** Requests per minute per address to POST /api/join and /api/invites/accept. */
  RATE_LIMIT_JOIN_PER_MINUTE: positiveInt('a number of requests').default(600),
  /** Requests per minute per address to POST /api/sessions and /api/sessions/import. */
  RATE_LIMIT_CREATE_PER_MINUTE: positiveInt('a number of requests').default(60),
  /** Requests per minute per token user to any /api route, whatever their address. */
  RATE_LIMIT_USER_PER_MINUTE: positiveInt('a number of requests').default(600),
  /** Sign-in mails asked for per minute per address (POST /api/auth/email). */
  RATE_LIMIT_SIGNIN_PER_MINUTE: positiveInt('a number of requests').default(10),
  /** Error reports per minute per address to POST /api/client-errors. */
  RATE_LIMIT_CLIENT_ERRORS_PER_MINUTE: positiveInt('a number of requests').default(30),
  /** Requests per minute per address to every other route that takes no token. */
  RATE_LIMIT_PUBLIC_PER_MINUTE: positiveInt('a number of requests').default(600),
  /** Addresses never rate-limited (comma-separated), or `none`; default: this machine. */
  RATE_LIMIT_ALLOW: z
    .string()
    .transform((value) =>
      value.trim() === 'none'
        ? []
        : value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    )
    .default(['127.0.0.1', '::1', '::ffff:127.0.0.1']),
  /** `true` behind a reverse proxy, so X-Forwarded-For gives the client's address. */
  TRUST_PROXY: env.trustProxy,
  /** Bearer token /metrics asks for; unset: /metrics answers only requests from this machine. */
  METRICS_TOKEN: env.metricsToken,
  /** An OTLP/HTTP collector (traces go to <it>/v1/traces); unset: no traces. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ error: 'the collector base URL, such as http://otel-collector:4318' })
    .refine((value) => /^https?:/.test(value), 'an http:// or https:// URL')
    .optional(),
  /** The service name on those traces. */
  OTEL_SERVICE_NAME: z.string().trim().min(1).max(100).default('podium-sync-server'),
  /** A Sentry (or Sentry-compatible) DSN for server errors and the browsers' reports. */
  SENTRY_DSN: z
    .url({ error: 'a DSN such as https://<public key>@o0.ingest.sentry.io/<project>' })
    .refine(
      (value) => /^https?:\/\/[^@/]+@[^/]+\/(.+\/)?\d+$/.test(value),
      'a DSN such as https://<public key>@o0.ingest.sentry.io/<project>',
    )
    .optional(),
  /** A status or agenda change is checkpointed this long after it. */
  CHECKPOINT_DEBOUNCE_MS: positiveInt('a number of milliseconds').default(3000),
  /** While a session is live, a checkpoint this often (if anything changed). */
  CHECKPOINT_INTERVAL_MS: positiveInt('a number of milliseconds').default(5 * 60_000),
  /** The largest session export POST /api/sessions/import accepts. */
  IMPORT_MAX_BYTES: positiveInt('a number of bytes').default(16 * 1024 * 1024),
  /** smtp(s)://user:pass@host:port to send mail; unset: .eml files under DATA_DIR/mail. */
  SMTP_URL: z
    .string()
    .regex(
      /^smtps?:\/\/[^\s]+$/,
      'an smtp:// or smtps:// URL such as smtps://user:pass@mail.example.org',
    )
    .optional(),
  /** The sender of Podium's mail. */
  MAIL_FROM: z
    .string()
    .regex(
      /^([^<>\r\n]*<[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$/,
      'an address such as podium@example.org or "Podium <podium@example.org>"',
    )
    .default('Podium <podium@localhost>'),
  /** An OpenID Connect issuer (Google, Entra, Keycloak, …) to sign in with. */
  OIDC_ISSUER: z.url({ error: 'the issuer URL, such as https://accounts.google.com' }).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The label of the OpenID sign-in button. */
  OIDC_NAME: z.string().trim().min(1).max(40, 'at most 40 characters').default('Single sign-on'),
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  /** GitHub Enterprise: the web address (authorize, token) and the API's. */
  GITHUB_URL: z
    .url({ error: 'an absolute URL such as https://github.example.org' })
    .default('https://github.com'),
  GITHUB_API_URL: z
    .url({ error: 'an absolute URL such as https://github.example.org/api/v3' })
    .default('https://api.github.com'),
  /** Raw analytics events are deleted after this many days; per-minute rollups stay. */
  ANALYTICS_RETENTION_DAYS: positiveInt('a whole number of days, 1 or more').default(365),
  /** Stage recordings (and their files) are deleted this many days after they started. */
  RECORDING_RETENTION_DAYS: positiveInt('a whole number of days, 1 or more').default(30),
  /** A standalone signal-server serving /sfu (docker compose): stage recordings start there. */
  SFU_RECORDER_URL: z
    .url({ protocol: /^https?$/, error: 'an http(s) URL such as http://signal-server:9000' })
    .optional(),
  /**
   * `false` leaves domain events unrecorded by analytics (reports stay empty): only for
   * measuring what recording costs (the bench's vote storm with and without it).
   */
  ANALYTICS_RECORDING: z
    .enum(['true', 'false'], { error: 'true or false' })
    .transform((value) => value === 'true')
    .default(true),
  /** Web push keys (base64url, as `web-push generate-vapid-keys` prints them); unset: made and kept in DATA_DIR. */
  VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^B[A-Za-z0-9_-]{86}$/, 'a base64url P-256 public key of 87 characters')
    .optional(),
  VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'a base64url P-256 private key of 43 characters')
    .optional(),
  /** The bearer token a mail relay's complaints and bounces come with (POST /api/mail/feedback). */
  MAIL_FEEDBACK_TOKEN: z.string().min(24, 'at least 24 characters').optional(),
  /** Who push services may contact about this server: mailto: or https:. */
  VAPID_SUBJECT: z
    .string()
    .regex(
      /^(mailto:[^@\s]+@[^@\s]+|https:\/\/[^\s]+)$/,
      'a mailto: address or https: URL, such as mailto:ops@example.org',
    )
    .optional(),
  /** The base URL of a Twilio-compatible SMS API; unset: SMS is not offered. */
  SMS_URL: z
    .url({ protocol: /^https?$/, error: 'an http(s) URL such as https://api.twilio.com' })
    .optional(),
  SMS_ACCOUNT_SID: z.string().min(1).optional(),
  SMS_AUTH_TOKEN: z.string().min(1).optional(),
  /** The sender: a number in E.164 or an alphanumeric sender id of up to 11 characters. */
  SMS_FROM: z
    .string()
    .regex(
      /^(\+[1-9]\d{6,14}|(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11})$/,
      'a number such as +4930123456, or a sender name of up to 11 letters and digits',
    )
    .optional(),
  /** Stripe's secret (or restricted) API key; unset: payments are not offered. */
  STRIPE_SECRET_KEY: z
    .string()
    .regex(
      /^(sk|rk)_(test|live)_[A-Za-z0-9]+$/,
      'a Stripe secret key such as sk_live_… or rk_live_…',
    )
    .optional(),
  /** The signing secret of the webhook endpoint /api/stripe/webhook. */
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'a webhook signing secret such as whsec_…')
    .optional(),
  /** Where the Stripe SDK sends its requests (a proxy, or a stand-in in tests); unset: Stripe. */
  STRIPE_API_URL: z
    .url({ protocol: /^https?$/, error: 'an http(s) URL such as https://api.stripe.com' })
    .optional(),
  /** `true` to let Stripe Tax compute tax at Checkout (turn it on in Stripe first). */
  STRIPE_AUTOMATIC_TAX: z
    .enum(['true', 'false'], { error: 'true or false' })
    .transform((value) => value === 'true')
    .default(false),
})

/** Variables that only work together: when one is set, each of the others must be. */
const TOGETHER: ReadonlyArray<ReadonlyArray<keyof z.infer<typeof EnvSchema>>> = [
  ['OIDC_ISSUER', 'OIDC_CLIENT_ID'],
  ['GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET'],
  ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY'],
  ['SMS_URL', 'SMS_ACCOUNT_SID', 'SMS_AUTH_TOKEN', 'SMS_FROM'],
  ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'],
]

export interface Config {
  port: number
  host: string
  dataDir: string
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema?: string }
  redisUrl: string | undefined
  publicUrl: string | undefined
  /** Base URL of the y-webrtc signaling; unset: the public URL. */
  signalingUrl: string | undefined
  tokenSecret: string
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL']
  turn: { secret: string | undefined; urls: string[]; stunUrls: string[]; ttlSeconds: number }
  /** The SFU (Janus) behind the signal-server's /sfu proxy; undefined: mesh only. */
  janus: { url: string; apiSecret: string | undefined } | undefined
  /** Viewers one feed may have through the SFU; past it, the HLS broadcast. */
  sfuMaxViewers: number
  /** The HLS broadcast: its folder, ffmpeg (null: none) and the RTP address Janus sends to. */
  broadcast: { dir: string; ffmpeg: string | null; rtpHost: string }
  ingestTickMs: number
  storeDebounceMs: number
  maxFrameBytes: number
  clientDist: string
  rateLimit: {
    joinPerMinute: number
    createPerMinute: number
    signInPerMinute: number
    clientErrorsPerMinute: number
    userPerMinute: number
    publicPerMinute: number
    allow: string[]
  }
  trustProxy: boolean
  metricsToken: string | undefined
  telemetry: {
    otlpEndpoint: string | undefined
    serviceName: string
    sentryDsn: string | undefined
  }
  checkpoints: { debounceMs: number; intervalMs: number }
  importMaxBytes: number
  accounts: {
    smtpUrl: string | undefined
    mailFrom: string
    oidc:
      | { issuer: string; clientId: string; clientSecret: string | undefined; name: string }
      | undefined
    github: { clientId: string; clientSecret: string; url: string; apiUrl: string } | undefined
  }
  analytics: { retentionDays: number; recording: boolean }
  /** Stage recordings: kept `retentionDays`, files under DATA_DIR/recordings. */
  recordings: { retentionDays: number; dir: string; remote: string | undefined }
  notifications: {
    vapid: { publicKey: string; privateKey: string; subject: string }
    sms: { url: string; accountSid: string; authToken: string; from: string } | undefined
    /** MAIL_FEEDBACK_TOKEN: what a relay's complaints and bounces are posted with. */
    feedbackToken: string | undefined
  }
  /** Stripe; undefined without keys (paid features hidden, their routes answer 501). */
  payments: PaymentsConfig | undefined
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads and checks the environment; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  )
  const parsed = EnvSchema.safeParse(present)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment')
      return `${name}=${JSON.stringify(present[name] ?? '')} is not valid: expected ${issue.message}`
    })
    throw new ConfigError(`Podium cannot start:\n  ${lines.join('\n  ')}`)
  }
  const e = parsed.data
  const missing = TOGETHER.flatMap((group) => {
    const set = group.filter((name) => e[name] !== undefined)
    if (set.length === 0 || set.length === group.length) return []
    return group
      .filter((name) => e[name] === undefined)
      .map((name) => `${name} is missing: it is needed with ${set.join(' and ')}`)
  })
  const { prices, problems } = planPrices(present)
  if (problems.length === 0 && Object.keys(prices).length > 0 && !e.STRIPE_SECRET_KEY)
    problems.push('STRIPE_SECRET_KEY is missing: it is needed with the STRIPE_PRICE_ variables')
  missing.push(...problems)
  if (missing.length > 0) throw new ConfigError(`Podium cannot start:\n  ${missing.join('\n  ')}`)
  const dataDir = resolve(e.DATA_DIR)
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database: e.DATABASE_URL
      ? {
          kind: 'postgres',
          url: e.DATABASE_URL,
          ...(e.DATABASE_SCHEMA ? { schema: e.DATABASE_SCHEMA } : {}),
        }
      : { kind: 'sqlite', file: join(dataDir, 'podium.sqlite') },
    redisUrl: e.REDIS_URL,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    signalingUrl: e.SIGNALING_URL?.replace(/\/$/, ''),
    tokenSecret: e.TOKEN_SECRET ?? persistedSecret(dataDir),
    logLevel: e.LOG_LEVEL,
    turn: {
      secret: e.TURN_SECRET,
      urls: e.TURN_URLS,
      stunUrls: e.STUN_URLS,
      ttlSeconds: e.TURN_TTL_SECONDS,
    },
    janus: e.JANUS_URL ? { url: e.JANUS_URL, apiSecret: e.JANUS_API_SECRET } : undefined,
    sfuMaxViewers: e.SFU_MAX_VIEWERS,
    broadcast: {
      dir: join(dataDir, 'broadcasts'),
      ffmpeg: findFfmpeg(e.FFMPEG_PATH),
      rtpHost: e.BROADCAST_RTP_ADDRESS,
    },
    ingestTickMs: e.INGEST_TICK_MS,
    storeDebounceMs: e.STORE_DEBOUNCE_MS,
    maxFrameBytes: e.MAX_FRAME_BYTES,
    clientDist: resolve(e.CLIENT_DIST ?? join(import.meta.dirname, '../../client/dist')),
    rateLimit: {
      joinPerMinute: e.RATE_LIMIT_JOIN_PER_MINUTE,
      createPerMinute: e.RATE_LIMIT_CREATE_PER_MINUTE,
      signInPerMinute: e.RATE_LIMIT_SIGNIN_PER_MINUTE,
      clientErrorsPerMinute: e.RATE_LIMIT_CLIENT_ERRORS_PER_MINUTE,
      userPerMinute: e.RATE_LIMIT_USER_PER_MINUTE,
      publicPerMinute: e.RATE_LIMIT_PUBLIC_PER_MINUTE,
      allow: e.RATE_LIMIT_ALLOW,
    },
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
    telemetry: {
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: e.OTEL_SERVICE_NAME,
      sentryDsn: e.SENTRY_DSN,
    },
    checkpoints: { debounceMs: e.CHECKPOINT_DEBOUNCE_MS, intervalMs: e.CHECKPOINT_INTERVAL_MS },
    importMaxBytes: e.IMPORT_MAX_BYTES,
    accounts: {
      smtpUrl: e.SMTP_URL,
      mailFrom: e.MAIL_FROM,
      oidc:
        e.OIDC_ISSUER && e.OIDC_CLIENT_ID
          ? {
              issuer: e.OIDC_ISSUER,
              clientId: e.OIDC_CLIENT_ID,
              clientSecret: e.OIDC_CLIENT_SECRET,
              name: e.OIDC_NAME,
            }
          : undefined,
      github:
        e.GITHUB_CLIENT_ID && e.GITHUB_CLIENT_SECRET
          ? {
              clientId: e.GITHUB_CLIENT_ID,
              clientSecret: e.GITHUB_CLIENT_SECRET,
              url: e.GITHUB_URL.replace(/\/$/, ''),
              apiUrl: e.GITHUB_API_URL.replace(/\/$/, ''),
            }
          : undefined,
    },
    analytics: { retentionDays: e.ANALYTICS_RETENTION_DAYS, recording: e.ANALYTICS_RECORDING },
    recordings: {
      retentionDays: e.RECORDING_RETENTION_DAYS,
      dir: join(dataDir, 'recordings'),
      remote: e.SFU_RECORDER_URL?.replace(/\/$/, ''),
    },
    notifications: {
      vapid: {
        ...(e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY
          ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY }
          : persistedVapidKeys(dataDir)),
        subject: e.VAPID_SUBJECT ?? vapidSubject(e.PUBLIC_URL, e.MAIL_FROM),
      },
      sms:
        e.SMS_URL && e.SMS_ACCOUNT_SID && e.SMS_AUTH_TOKEN && e.SMS_FROM
          ? {
              url: e.SMS_URL.replace(/\/$/, ''),
              accountSid: e.SMS_ACCOUNT_SID,
              authToken: e.SMS_AUTH_TOKEN,
              from: e.SMS_FROM,
            }
          : undefined,
      feedbackToken: e.MAIL_FEEDBACK_TOKEN,
    },
    payments:
      e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET
        ? {
            secretKey: e.STRIPE_SECRET_KEY,
            webhookSecret: e.STRIPE_WEBHOOK_SECRET,
            api: e.STRIPE_API_URL ? apiTarget(e.STRIPE_API_URL) : undefined,
            automaticTax: e.STRIPE_AUTOMATIC_TAX,
            prices,
          }
        : undefined,
  }
}

/** Web push keys made on first start and kept with the data, so subscriptions survive restarts. */
function persistedVapidKeys(dataDir: string): { publicKey: string; privateKey: string } {
  const file = join(dataDir, 'vapid-keys.json')
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'))
  mkdirSync(dataDir, { recursive: true })
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  // A private key with leading zero bytes comes back shorter: pad it to its 32 bytes.
  const secret = ecdh.getPrivateKey()
  const keys = {
    publicKey: ecdh.getPublicKey().toString('base64url'),
    privateKey: Buffer.concat([Buffer.alloc(32 - secret.length), secret]).toString('base64url'),
  }
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 })
  return keys
}

/** Whom push services may write to: the https public address, else the sender's mailbox. */
function vapidSubject(publicUrl: string | undefined, mailFrom: string): string {
  if (publicUrl?.startsWith('https://')) return publicUrl.replace(/\/$/, '')
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom
  return `mailto:${address.trim()}`
}

/** A secret made on first start and kept with the data, so tokens survive restarts. */
function persistedSecret(dataDir: string): string {
  const file = join(dataDir, 'token-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, secret, { mode: 0o600 })
  return secret
}
