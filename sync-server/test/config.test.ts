import { spawn } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, EnvSchema, loadConfig } from '../src/config.ts'

const repoRoot = resolve(import.meta.dirname, '../..')
const secret = 'a-token-secret-of-at-least-32-characters'
const dirs: string[] = []

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'podium-config-'))
  dirs.push(dir)
  return dir
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** The message loadConfig stops with, or a failure when it accepts the environment. */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig({ DATA_DIR: tempDir(), TOKEN_SECRET: secret, ...env })
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`)
}

// For each variable that can be wrong: a bad value and the words that say what it expects.
const badValues: Record<string, { value: string; expects: RegExp }> = {
  PORT: { value: 'notaport', expects: /a port number/ },
  DATABASE_URL: { value: 'mysql://db/podium', expects: /a postgres:\/\/ URL/ },
  DATABASE_SCHEMA: { value: 'Podium-Schema', expects: /a lower-case SQL identifier/ },
  REDIS_URL: { value: 'http://redis:6379', expects: /a redis:\/\/ URL/ },
  PUBLIC_URL: { value: 'podium.example.org', expects: /an absolute URL/ },
  SIGNALING_URL: {
    value: 'ftp://signal.example.org',
    expects: /an absolute http\(s\) or ws\(s\) URL/,
  },
  TOKEN_SECRET: { value: 'too-short', expects: /at least 32 characters/ },
  LOG_LEVEL: { value: 'loud', expects: /one of fatal, error, warn, info, debug, trace, silent/ },
  TURN_SECRET: { value: 'short', expects: /at least 16 characters/ },
  TURN_URLS: { value: 'https://turn.example.org', expects: /stun:, stuns:, turn: or turns: URLs/ },
  STUN_URLS: { value: 'stun.example.org:3478', expects: /stun:, stuns:, turn: or turns: URLs/ },
  TURN_TTL_SECONDS: { value: '-60', expects: /a number of seconds/ },
  JANUS_URL: { value: 'http://janus:8088/janus', expects: /a ws:\/\/ or wss:\/\/ URL of Janus/ },
  JANUS_API_SECRET: { value: 'short', expects: /at least 8 characters/ },
  SFU_MAX_VIEWERS: { value: '-1', expects: /a whole number of viewers, 0 or more/ },
  FFMPEG_PATH: { value: 'ffmpeg', expects: /an absolute path to ffmpeg/ },
  BROADCAST_RTP_ADDRESS: { value: 'janus host', expects: /a host name or IP address/ },
  INGEST_TICK_MS: { value: 'fast', expects: /a number of milliseconds/ },
  STORE_DEBOUNCE_MS: { value: '1.5', expects: /a number of milliseconds/ },
  MAX_FRAME_BYTES: { value: '0', expects: /a number of bytes/ },
  RATE_LIMIT_JOIN_PER_MINUTE: { value: '0', expects: /a number of requests/ },
  RATE_LIMIT_CREATE_PER_MINUTE: { value: 'lots', expects: /a number of requests/ },
  RATE_LIMIT_USER_PER_MINUTE: { value: '-5', expects: /a number of requests/ },
  RATE_LIMIT_PUBLIC_PER_MINUTE: { value: '-5', expects: /a number of requests/ },
  TRUST_PROXY: { value: 'yes', expects: /true or false/ },
  METRICS_TOKEN: { value: 'short', expects: /at least 16 characters/ },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    value: 'collector:4318',
    expects: /an http:\/\/ or https:\/\/ URL/,
  },
  OTEL_SERVICE_NAME: { value: ' ', expects: /OTEL_SERVICE_NAME/ },
  SENTRY_DSN: { value: 'https://sentry.example.org/1', expects: /a DSN such as/ },
  CHECKPOINT_DEBOUNCE_MS: { value: '-1', expects: /a number of milliseconds/ },
  CHECKPOINT_INTERVAL_MS: { value: 'hourly', expects: /a number of milliseconds/ },
  IMPORT_MAX_BYTES: { value: '1.5', expects: /a number of bytes/ },
  RATE_LIMIT_SIGNIN_PER_MINUTE: { value: 'many', expects: /a number of requests/ },
  RATE_LIMIT_CLIENT_ERRORS_PER_MINUTE: { value: '0', expects: /a number of requests/ },
  SMTP_URL: { value: 'mail.example.org:25', expects: /an smtp:\/\/ or smtps:\/\/ URL/ },
  MAIL_FROM: { value: 'Podium\r\nBcc: x@example.org', expects: /an address such as/ },
  OIDC_ISSUER: { value: 'accounts.google.com', expects: /the issuer URL/ },
  OIDC_NAME: { value: 'x'.repeat(41), expects: /at most 40 characters/ },
  GITHUB_URL: { value: 'github', expects: /an absolute URL/ },
  GITHUB_API_URL: { value: 'api', expects: /an absolute URL/ },
  ANALYTICS_RETENTION_DAYS: { value: '0', expects: /a whole number of days, 1 or more/ },
  RECORDING_RETENTION_DAYS: { value: '1.5', expects: /a whole number of days, 1 or more/ },
  SFU_RECORDER_URL: { value: 'signal-server:9000', expects: /an http\(s\) URL/ },
  VAPID_PUBLIC_KEY: { value: 'not-a-key', expects: /a base64url P-256 public key/ },
  VAPID_PRIVATE_KEY: { value: 'short', expects: /a base64url P-256 private key/ },
  VAPID_SUBJECT: { value: 'ops@example.org', expects: /a mailto: address or https: URL/ },
  SMS_URL: { value: 'api.twilio.com', expects: /an http\(s\) URL/ },
  MAIL_FEEDBACK_TOKEN: { value: 'short', expects: /at least 24 characters/ },
  SMS_FROM: { value: '030 123456', expects: /a number such as \+4930123456/ },
  STRIPE_SECRET_KEY: { value: 'pk_live_abc', expects: /a Stripe secret key such as sk_live_/ },
  STRIPE_WEBHOOK_SECRET: { value: 'secret', expects: /a webhook signing secret such as whsec_/ },
  STRIPE_API_URL: { value: 'api.stripe.com', expects: /an http\(s\) URL/ },
  STRIPE_AUTOMATIC_TAX: { value: 'yes', expects: /true or false/ },
  ANALYTICS_RECORDING: { value: 'off', expects: /true or false/ },
}
// Any non-empty text is a valid host name, folder, path or address list: no bad value.
const freeText = [
  'HOST',
  'DATA_DIR',
  'CLIENT_DIST',
  'RATE_LIMIT_ALLOW',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'GITHUB_CLIENT_ID',
  'GITHUB_CLIENT_SECRET',
  'SMS_ACCOUNT_SID',
  'SMS_AUTH_TOKEN',
]

describe('configuration from the environment', () => {
  it('covers every variable EnvSchema reads', () => {
    expect([...Object.keys(badValues), ...freeText].sort()).toEqual(
      Object.keys(EnvSchema.shape).sort(),
    )
  })

  for (const [name, { value, expects }] of Object.entries(badValues)) {
    it(`stops on a bad ${name}, naming it and what it expects`, () => {
      const message = refusal({ [name]: value })
      expect(message).toContain(`${name}=${JSON.stringify(value)} is not valid: expected`)
      expect(message).toMatch(expects)
      const others = Object.keys(EnvSchema.shape).filter((key) => key !== name)
      for (const other of others) expect(message).not.toContain(`${other}=`)
    })
  }

  it('names every bad variable at once', () => {
    const message = refusal({ PORT: '70000', LOG_LEVEL: 'verbose', REDIS_URL: 'localhost' })
    expect(message).toMatch(/PORT="70000" is not valid: expected a port from 0 to 65535/)
    expect(message).toMatch(/LOG_LEVEL="verbose"/)
    expect(message).toMatch(/REDIS_URL="localhost"/)
  })

  it('has defaults for everything, with SQLite under DATA_DIR', () => {
    const dataDir = tempDir()
    const config = loadConfig({ DATA_DIR: dataDir, TOKEN_SECRET: secret })
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir,
      database: { kind: 'sqlite', file: join(dataDir, 'podium.sqlite') },
      redisUrl: undefined,
      publicUrl: undefined,
      signalingUrl: undefined,
      tokenSecret: secret,
      logLevel: 'info',
      turn: { secret: undefined, urls: [], stunUrls: [], ttlSeconds: 3600 },
      ingestTickMs: 50,
      storeDebounceMs: 2000,
      maxFrameBytes: 1024 * 1024,
      clientDist: join(repoRoot, 'client', 'dist'),
      rateLimit: {
        joinPerMinute: 600,
        createPerMinute: 60,
        signInPerMinute: 10,
        publicPerMinute: 600,
        allow: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
      },
      trustProxy: false,
      metricsToken: undefined,
      checkpoints: { debounceMs: 3000, intervalMs: 300_000 },
      importMaxBytes: 16 * 1024 * 1024,
      analytics: { retentionDays: 365, recording: true },
      recordings: { retentionDays: 30, dir: join(dataDir, 'recordings'), remote: undefined },
      accounts: {
        smtpUrl: undefined,
        mailFrom: 'Podium <podium@localhost>',
        oidc: undefined,
        github: undefined,
      },
    })
  })

  it('stops when a sign-in provider is half configured, naming what is missing', () => {
    const base = { DATA_DIR: tempDir(), TOKEN_SECRET: secret }
    expect(() => loadConfig({ ...base, OIDC_ISSUER: 'https://id.example.org' })).toThrow(
      /OIDC_CLIENT_ID is missing: it is needed with OIDC_ISSUER/,
    )
    expect(() => loadConfig({ ...base, GITHUB_CLIENT_ID: 'abc' })).toThrow(
      /GITHUB_CLIENT_SECRET is missing/,
    )
    const both = loadConfig({
      ...base,
      GITHUB_CLIENT_ID: 'abc',
      GITHUB_CLIENT_SECRET: 'def',
      GITHUB_URL: 'https://github.example.org/',
    })
    expect(both.accounts.github).toEqual({
      clientId: 'abc',
      clientSecret: 'def',
      url: 'https://github.example.org',
      apiUrl: 'https://api.github.com',
    })
  })

  it('keeps data under ./data when DATA_DIR is unset', () => {
    expect(loadConfig({ TOKEN_SECRET: secret }).dataDir).toBe(resolve('data'))
  })

  it('reads the rate-limit allow list and the proxy setting', () => {
    const base = { DATA_DIR: tempDir(), TOKEN_SECRET: secret }
    const behindProxy = loadConfig({
      ...base,
      RATE_LIMIT_ALLOW: '10.0.0.1, 10.0.0.2',
      TRUST_PROXY: 'true',
    })
    expect(behindProxy.rateLimit.allow).toEqual(['10.0.0.1', '10.0.0.2'])
    expect(behindProxy.trustProxy).toBe(true)
    expect(loadConfig({ ...base, RATE_LIMIT_ALLOW: 'none' }).rateLimit.allow).toEqual([])
  })

  it('treats an empty value as unset', () => {
    const config = loadConfig({
      DATA_DIR: tempDir(),
      TOKEN_SECRET: secret,
      PORT: '',
      LOG_LEVEL: '',
    })
    expect(config.port).toBe(8080)
    expect(config.logLevel).toBe('info')
  })

  it('reads Postgres, Redis, TURN, the public and signaling URLs when given', () => {
    const config = loadConfig({
      DATA_DIR: tempDir(),
      TOKEN_SECRET: secret,
      DATABASE_URL: 'postgres://podium@db:5432/podium',
      DATABASE_SCHEMA: 'podium_test',
      REDIS_URL: 'redis://redis:6379',
      PUBLIC_URL: 'https://podium.example.org/',
      SIGNALING_URL: 'wss://signal.example.org/',
      TURN_SECRET: 'a-turn-secret-0123',
      TURN_URLS: 'turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349',
      STUN_URLS: 'stun:turn.example.org:3478',
    })
    expect(config.database).toEqual({
      kind: 'postgres',
      url: 'postgres://podium@db:5432/podium',
      schema: 'podium_test',
    })
    expect(config.redisUrl).toBe('redis://redis:6379')
    expect(config.publicUrl).toBe('https://podium.example.org')
    expect(config.signalingUrl).toBe('wss://signal.example.org')
    expect(config.turn.urls).toEqual([
      'turn:turn.example.org:3478?transport=udp',
      'turns:turn.example.org:5349',
    ])
    expect(config.turn.stunUrls).toEqual(['stun:turn.example.org:3478'])
  })

  it('generates the token secret once and keeps it in DATA_DIR', () => {
    const dataDir = tempDir()
    const first = loadConfig({ DATA_DIR: dataDir }).tokenSecret
    const file = join(dataDir, 'token-secret')
    expect(first.length).toBeGreaterThanOrEqual(32)
    expect(readFileSync(file, 'utf8').trim()).toBe(first)
    expect(statSync(file).mode & 0o077).toBe(0)
    expect(loadConfig({ DATA_DIR: dataDir }).tokenSecret).toBe(first)
    expect(loadConfig({ DATA_DIR: tempDir() }).tokenSecret).not.toBe(first)
  })

  it('makes VAPID keys once and keeps them in DATA_DIR, unless they are given', () => {
    const dataDir = tempDir()
    const first = loadConfig({ DATA_DIR: dataDir, TOKEN_SECRET: secret }).notifications.vapid
    expect(first.publicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/)
    expect(first.privateKey).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(first.subject).toBe('mailto:podium@localhost')
    expect(statSync(join(dataDir, 'vapid-keys.json')).mode & 0o077).toBe(0)
    expect(loadConfig({ DATA_DIR: dataDir, TOKEN_SECRET: secret }).notifications.vapid).toEqual(
      first,
    )
    const given = loadConfig({
      DATA_DIR: tempDir(),
      TOKEN_SECRET: secret,
      VAPID_PUBLIC_KEY: first.publicKey,
      VAPID_PRIVATE_KEY: first.privateKey,
      PUBLIC_URL: 'https://podium.example.org/',
    }).notifications.vapid
    expect(given).toEqual({ ...first, subject: 'https://podium.example.org' })
  })

  it('offers SMS only with all four SMS variables, naming what is missing', () => {
    const base = { DATA_DIR: tempDir(), TOKEN_SECRET: secret }
    expect(loadConfig(base).notifications.sms).toBeUndefined()
    expect(() => loadConfig({ ...base, SMS_URL: 'https://api.twilio.com' })).toThrow(
      /SMS_ACCOUNT_SID is missing: it is needed with SMS_URL/,
    )
    expect(() => loadConfig({ ...base, VAPID_PUBLIC_KEY: `B${'A'.repeat(86)}` })).toThrow(
      /VAPID_PRIVATE_KEY is missing/,
    )
    const sms = loadConfig({
      ...base,
      SMS_URL: 'https://api.twilio.com/',
      SMS_ACCOUNT_SID: 'AC123',
      SMS_AUTH_TOKEN: 'token',
      SMS_FROM: 'Podium',
    }).notifications.sms
    expect(sms).toEqual({
      url: 'https://api.twilio.com',
      accountSid: 'AC123',
      authToken: 'token',
      from: 'Podium',
    })
  })

  it('offers payments only with both Stripe keys; the API URL becomes the SDK options', () => {
    const base = { DATA_DIR: tempDir(), TOKEN_SECRET: secret }
    expect(loadConfig(base).payments).toBeUndefined()
    expect(() => loadConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_abc' })).toThrow(
      /STRIPE_WEBHOOK_SECRET is missing: it is needed with STRIPE_SECRET_KEY/,
    )
    const keys = { STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_def' }
    expect(loadConfig({ ...base, ...keys }).payments).toEqual({
      secretKey: 'sk_test_abc',
      webhookSecret: 'whsec_def',
      api: undefined,
      automaticTax: false,
      prices: {},
    })
    const local = loadConfig({
      ...base,
      ...keys,
      STRIPE_API_URL: 'http://127.0.0.1:12111',
      STRIPE_AUTOMATIC_TAX: 'true',
      STRIPE_PRICE_PRO: 'price_Pro1',
      STRIPE_PRICE_PRO_YEARLY: 'price_ProY',
      STRIPE_PRICE_EVENT: 'price_Ev1',
    }).payments
    expect(local?.api).toEqual({ host: '127.0.0.1', port: 12111, protocol: 'http' })
    expect(local?.automaticTax).toBe(true)
    expect(local?.prices).toEqual({
      pro: { monthly: 'price_Pro1', yearly: 'price_ProY' },
      event: { monthly: 'price_Ev1' },
    })
    const proxy = loadConfig({ ...base, ...keys, STRIPE_API_URL: 'https://[::1]' }).payments
    expect(proxy?.api).toEqual({ host: '::1', port: 443, protocol: 'https' })
  })

  it('stops on a plan price that names no plan, is no price id, or has no key', () => {
    const base = { DATA_DIR: tempDir(), TOKEN_SECRET: secret }
    const keys = { STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_def' }
    expect(() => loadConfig({ ...base, ...keys, STRIPE_PRICE_GOLD: 'price_1' })).toThrow(
      /STRIPE_PRICE_GOLD names no plan that is sold/,
    )
    expect(() => loadConfig({ ...base, ...keys, STRIPE_PRICE_FREE: 'price_1' })).toThrow(
      /STRIPE_PRICE_FREE names no plan that is sold/,
    )
    expect(() => loadConfig({ ...base, ...keys, STRIPE_PRICE_PRO: 'prod_1' })).toThrow(
      /STRIPE_PRICE_PRO="prod_1" is not valid: expected a Stripe Price id/,
    )
    expect(() => loadConfig({ ...base, STRIPE_PRICE_PRO: 'price_1' })).toThrow(
      /STRIPE_SECRET_KEY is missing: it is needed with the STRIPE_PRICE_ variables/,
    )
  })

  it('writes no secret file when TOKEN_SECRET is given', () => {
    const dataDir = tempDir()
    expect(loadConfig({ DATA_DIR: dataDir, TOKEN_SECRET: secret }).tokenSecret).toBe(secret)
    expect(existsSync(join(dataDir, 'token-secret'))).toBe(false)
  })
})

interface Run {
  code: number | null
  output: string
}

/** `node --import tsx sync-server/src/main.ts` with only the given environment. */
function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const exited = new Promise<Run>((done) => child.on('exit', (code) => done({ code, output })))
  return { child, exited, output: () => output }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => done(port))
    })
  })
}

async function waitForHealth(
  url: string,
  exited: Promise<Run>,
  timeoutMs: number,
): Promise<Response> {
  let stopped: Run | undefined
  void exited.then((run) => {
    stopped = run
  })
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (stopped) throw new Error(`the server exited with ${stopped.code}:\n${stopped.output}`)
    try {
      return await fetch(url)
    } catch {
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`)
}

describe('starting the server process', () => {
  it('exits non-zero with a message naming PORT when PORT is bad', async () => {
    const { exited } = startMain({ PORT: 'notaport', DATA_DIR: tempDir() })
    const run = await exited
    expect(run.code).not.toBe(0)
    expect(run.output).toContain('PORT="notaport" is not valid: expected a port number')
    expect(run.output).not.toMatch(/\bat .+\.ts:\d+/)
  })

  it('exits non-zero naming a broken mail template in DATA_DIR/templates', async () => {
    const dataDir = tempDir()
    mkdirSync(join(dataDir, 'templates'))
    writeFileSync(join(dataDir, 'templates', 'reminder.html'), '<p>{{startsAtt}}</p>')
    const { exited } = startMain({ PORT: '0', DATA_DIR: dataDir, TOKEN_SECRET: secret })
    const run = await exited
    expect(run.code).not.toBe(0)
    expect(run.output).toContain(
      'template reminder.html, line 1: {{startsAtt}} is not known here; this template may use',
    )
    expect(run.output).not.toMatch(/\bat .+\.ts:\d+/)
  })

  it('serves /healthz with a good environment and stops cleanly on SIGTERM', async () => {
    const port = await freePort()
    const dataDir = tempDir()
    const { child, exited } = startMain({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    })
    try {
      const response = await waitForHealth(`http://127.0.0.1:${port}/healthz`, exited, 25_000)
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ status: 'ok' })
      expect(existsSync(join(dataDir, 'podium.sqlite'))).toBe(true)
    } finally {
      child.kill('SIGTERM')
    }
    const run = await exited
    expect(run.code).toBe(0)
  })
})
