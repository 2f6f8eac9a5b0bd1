import { z } from 'zod'

/**
 * The stage as HLS, for audiences past what one SFU serves: the signal-server has Janus
 * forward one publisher's camera to ffmpeg, which writes a playlist and one-second
 * segments under an unguessable per-broadcast path. Participants learn the path from the
 * `broadcast` message on their `/sfu` socket or from GET /broadcast/sessions/:id; the
 * host starts and stops it there too. Flow in docs/video.md.
 */

export const BROADCAST_PATH = '/broadcast'

/**
 * How the room's hls.js plays the broadcast (and the latency script measures it with the
 * same): one-second segments, two behind the live edge, catching up at up to 1.5×.
 */
export const HLS_PLAYER_CONFIG = {
  lowLatencyMode: true,
  liveSyncDurationCount: 2,
  liveMaxLatencyDurationCount: 5,
  // Fallen behind (a stall, a slow start), play up to 1.5× until back near the edge.
  maxLiveSyncPlaybackRate: 1.5,
  backBufferLength: 10,
  // The page's CSP allows workers from this origin only, not hls.js's blob: worker.
  enableWorker: false,
} as const

export const BroadcastState = {
  off: 'off',
  /** ffmpeg runs and the feed is forwarded; the first segments are not written yet. */
  starting: 'starting',
  live: 'live',
} as const
export type BroadcastState = (typeof BroadcastState)[keyof typeof BroadcastState]

export const BroadcastStatus = z.object({
  state: z.enum(['off', 'starting', 'live']),
  /** Whose camera goes out, while on. */
  source: z.object({ userId: z.string(), feed: z.enum(['camera', 'screen']) }).nullable(),
  /** The playlist's path (`/broadcast/hls/<key>/index.m3u8`), once live. */
  playlist: z.string().nullable(),
  startedAt: z.number().nullable(),
  /** Why it is off (never started, the presenter left, no ffmpeg), in words. */
  reason: z.string().nullable(),
})
export type BroadcastStatus = z.infer<typeof BroadcastStatus>

/** POST /broadcast/sessions/:id: the host starts the broadcast of a publisher's camera. */
export const BroadcastStart = z
  .object({
    /** Whose camera; default: the first publisher on the SFU. */
    userId: z.string().min(1).max(256).optional(),
  })
  .strict()
export type BroadcastStart = z.infer<typeof BroadcastStart>

/** A broadcast's key in its path: 128 random bits, base64url. */
export const BROADCAST_KEY = /^[A-Za-z0-9_-]{22}$/
/** The files a broadcast folder holds: its playlist and numbered segments. */
export const BROADCAST_FILE = /^(index\.m3u8|seg[0-9]{1,9}\.ts)$/
