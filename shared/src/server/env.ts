import { z } from 'zod'

// Environment variables both servers read, each with the message a bad value gets: the
// start stops with the variable's name and what it expects.

export const port = z.coerce
  .number({ error: 'a port number' })
  .int('a whole port number')
  .min(0, 'a port from 0 to 65535')
  .max(65_535, 'a port from 0 to 65535')

export const positiveInt = (what: string) =>
  z.coerce.number({ error: what }).int(what).positive(what)

/** Comma-separated STUN and TURN URLs. */
export const iceUrlList = z
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

export const databaseUrl = (hint: string) =>
  z
    .string()
    .regex(/^postgres(ql)?:\/\//, `a postgres:// URL (${hint})`)
    .optional()

export const databaseSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case SQL identifier')
  .optional()

export const redisUrl = z
  .string()
  .regex(/^rediss?:\/\//, 'a redis:// URL')
  .optional()

export const publicUrl = z
  .url({ error: 'an absolute URL such as https://podium.example.org' })
  .optional()

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'one of fatal, error, warn, info, debug, trace, silent',
  })
  .default('info')

/** A shared secret (token signing, TURN): long enough not to be guessed. */
export const secret = (min: number) => z.string().min(min, `at least ${min} characters`)

/** `true` behind a reverse proxy, so X-Forwarded-For gives the client's address. */
export const trustProxy = z
  .enum(['true', 'false'], { error: 'true or false' })
  .transform((value) => value === 'true')
  .default(false)

/** Bearer token /metrics asks for; unset: /metrics answers only requests from this machine. */
export const metricsToken = z.string().min(16, 'at least 16 characters').optional()

/** Janus's WebSocket API (JANUS_URL), reached by the signal-server only. */
export const janusUrl = z
  .url({
    protocol: /^wss?$/,
    error: "a ws:// or wss:// URL of Janus's WebSocket API, such as ws://127.0.0.1:8188",
  })
  .optional()

/** Viewers one feed may have through the SFU (SFU_MAX_VIEWERS); the rest watch the broadcast. */
export const sfuMaxViewers = z.coerce
  .number({ error: 'a whole number of viewers, 0 or more' })
  .int('a whole number of viewers, 0 or more')
  .min(0, 'a whole number of viewers, 0 or more')
  .default(100)

/** The ffmpeg the HLS broadcast runs (FFMPEG_PATH); unset: `ffmpeg` on PATH. */
export const ffmpegPath = z.string().regex(/^\//, 'an absolute path to ffmpeg').optional()

/** Where Janus sends the broadcast's RTP to reach this server (BROADCAST_RTP_ADDRESS). */
export const rtpHost = z
  .string()
  .regex(/^[A-Za-z0-9.:-]+$/, 'a host name or IP address Janus can send RTP to')
  .default('127.0.0.1')
