import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  BROADCAST_PATH,
  BroadcastState,
  type BroadcastStatus,
  type SfuFeed,
  type SfuServerMessage,
} from '@podium/shared'
import type { Logger } from 'pino'
import {
  AUDIO_PT,
  broadcastSdp,
  type Encoder,
  ffmpegArgs,
  startFfmpeg,
  VIDEO_PT,
} from './ffmpeg.ts'
import { rtpPortPair, untilBound } from './ports.ts'

/** What the SFU proxy lends the broadcaster: its rooms' publishers and a way to tell viewers. */
export interface BroadcastSfu {
  /** The Janus room and publisher of a feed, for `rtp_forward`; null when not published. */
  source(sessionId: string, userId: string, feed: 'camera'): Promise<ForwardSource | null>
  /** Asks the publisher of a feed for a keyframe. */
  keyframe(sessionId: string, userId: string, feed: 'camera'): Promise<void>
  /** The feeds published in a session now. */
  feeds(sessionId: string): Promise<SfuFeed[]>
  /** A request to Janus's VideoRoom through the proxy's own handle. */
  request(body: Record<string, unknown>): Promise<Record<string, unknown>>
  /** Sends a message to every `/sfu` socket of a session. */
  tell(sessionId: string, message: SfuServerMessage): void
}

export interface ForwardSource {
  room: number
  secret: string
  publisherId: number
  /** The mids of the publisher's video and (when it sends one) audio stream. */
  mids: { video: string | null; audio: string | null }
}

export interface BroadcastOptions {
  /** Where each broadcast's folder goes (DATA_DIR/broadcasts). */
  dir: string
  /** The ffmpeg binary; null: no broadcasts, and status says why. */
  ffmpeg: string | null
  /** The address Janus sends RTP to so that it reaches this server's ffmpeg. */
  rtpHost: string
  /** Janus's VideoRoom admin key (the API secret), when it has one. */
  adminKey: string | undefined
  log: Logger
  /** How long a broadcast may take to write its first segment. */
  startTimeoutMs?: number
  /** How long the playlist may stay unchanged before the broadcast counts as stalled. */
  stallMs?: number
  /** How long an ended broadcast's folder stays (players finish their last requests). */
  keepMs?: number
  /** How long after a failure a broadcast viewers wait for is started again. */
  retryAfterMs?: number
}

/** How often a starting broadcast asks the publisher for a keyframe. */
const KEYFRAME_EVERY_MS = 1500

/** How many times in a row a broadcast viewers wait for is started again after it failed. */
const RETRIES = 3

interface Broadcast {
  sessionId: string
  key: string
  dir: string
  source: SfuFeed
  state: BroadcastState
  startedAt: number
  encoder: Encoder | null
  forward: { room: number; secret: string; publisherId: number; streams: number[] } | null
  watch: NodeJS.Timeout | null
  stopping: boolean
}

export class BroadcastRefused extends Error {
  constructor(
    readonly status: 403 | 404 | 409 | 503,
    message: string,
  ) {
    super(message)
  }
}

const off = (reason: string | null): BroadcastStatus => ({
  state: BroadcastState.off,
  source: null,
  playlist: null,
  startedAt: null,
  reason,
})

/**
 * The HLS broadcasts of the stage, one per session at most: Janus forwards a publisher's
 * camera (the best simulcast layer it sends) and microphone as RTP to this machine;
 * ffmpeg turns it into 640×360 H.264 and AAC one-second segments under
 * DATA_DIR/broadcasts/<key>.
 * A broadcast starts when viewers pass the SFU's cap (`full`) or when the host starts
 * it; it stops when its publisher leaves the SFU, the host stops it, ffmpeg exits, the
 * playlist stops advancing, or the server closes. Every ffmpeg it starts is stopped.
 */
export function createBroadcaster(sfu: BroadcastSfu, options: BroadcastOptions) {
  const log = options.log.child({ component: 'broadcast' })
  const startTimeoutMs = options.startTimeoutMs ?? 20_000
  const stallMs = options.stallMs ?? 10_000
  const keepMs = options.keepMs ?? 30_000
  const retryAfterMs = options.retryAfterMs ?? 2000
  const active = new Map<string, Broadcast>()
  /** Folders of broadcasts (live or ended and not yet removed), by key. */
  const folders = new Map<string, string>()
  /** Why a session's last broadcast ended. */
  const ended = new Map<string, string>()
  /** Sessions whose viewers passed the cap: the broadcast comes back with its publisher. */
  const demand = new Map<string, SfuFeed>()
  /** Sessions whose host stopped the broadcast: the cap does not start it again. */
  const held = new Set<string>()
  /** Failed broadcasts in a row per session, since the last that went live. */
  const failures = new Map<string, number>()
  const removals = new Set<NodeJS.Timeout>()
  const retries = new Set<NodeJS.Timeout>()
  let closed = false

  removeStale(options.dir)

  const statusOf = (sessionId: string): BroadcastStatus => {
    const broadcast = active.get(sessionId)
    if (!broadcast)
      return off(
        options.ffmpeg
          ? (ended.get(sessionId) ?? 'The broadcast has not been started.')
          : 'No broadcaster is installed on the server (ffmpeg).',
      )
    return {
      state: broadcast.state,
      source: broadcast.source,
      playlist:
        broadcast.state === BroadcastState.live
          ? `${BROADCAST_PATH}/hls/${broadcast.key}/index.m3u8`
          : null,
      startedAt: broadcast.startedAt,
      reason: null,
    }
  }

  const announce = (sessionId: string) =>
    sfu.tell(sessionId, { type: 'broadcast', broadcast: statusOf(sessionId) })

  const withKey = (body: Record<string, unknown>) =>
    options.adminKey ? { ...body, admin_key: options.adminKey } : body

  async function stop(sessionId: string, reason: string): Promise<void> {
    const broadcast = active.get(sessionId)
    if (!broadcast || broadcast.stopping) return
    broadcast.stopping = true
    if (broadcast.watch) clearInterval(broadcast.watch)
    const forward = broadcast.forward
    if (forward)
      for (const streamId of forward.streams)
        await sfu
          .request(
            withKey({
              request: 'stop_rtp_forward',
              room: forward.room,
              secret: forward.secret,
              publisher_id: forward.publisherId,
              stream_id: streamId,
            }),
          )
          .catch(() => undefined)
    await broadcast.encoder?.stop()
    active.delete(sessionId)
    ended.set(sessionId, reason)
    log.info({ sessionId, reason }, 'broadcast stopped')
    if (!closed) announce(sessionId)
    const remove = () => {
      folders.delete(broadcast.key)
      rmSync(broadcast.dir, { recursive: true, force: true })
    }
    if (closed) return remove()
    const timer = setTimeout(() => {
      removals.delete(timer)
      remove()
    }, keepMs)
    timer.unref()
    removals.add(timer)
  }

  /**
   * A broadcast failed by itself (no picture in time, ffmpeg gone, the playlist stalled):
   * while viewers past the cap wait for it, start it again, a few times in a row. On a
   * busy machine the first keyframes can come too late or broken, and a viewer has no
   * way to start it themselves.
   */
  async function fail(sessionId: string, reason: string): Promise<void> {
    await stop(sessionId, reason)
    const count = (failures.get(sessionId) ?? 0) + 1
    failures.set(sessionId, count)
    if (!demand.has(sessionId) || held.has(sessionId) || closed || count > RETRIES) return
    const timer = setTimeout(() => {
      retries.delete(timer)
      const wanted = demand.get(sessionId)
      if (!wanted || held.has(sessionId) || closed || active.has(sessionId)) return
      log.info({ sessionId, attempt: count + 1 }, 'starting the broadcast again')
      start(sessionId, wanted.userId).catch((error: unknown) =>
        log.warn({ err: error, sessionId }, 'the broadcast did not start again'),
      )
    }, retryAfterMs)
    timer.unref()
    retries.add(timer)
  }

  /** Starts made at the same moment (a crowd refused at once) share one. */
  const launching = new Map<string, Promise<BroadcastStatus>>()
  function start(sessionId: string, userId?: string): Promise<BroadcastStatus> {
    const pending = launching.get(sessionId)
    if (pending) return pending
    const launch = launchBroadcast(sessionId, userId).finally(() => launching.delete(sessionId))
    launching.set(sessionId, launch)
    return launch
  }

  async function launchBroadcast(sessionId: string, userId?: string): Promise<BroadcastStatus> {
    if (closed) throw new BroadcastRefused(503, 'The server is shutting down.')
    if (!options.ffmpeg)
      throw new BroadcastRefused(503, 'No broadcaster is installed on the server (ffmpeg).')
    const cameras = (await sfu.feeds(sessionId)).filter((f) => f.feed === 'camera')
    const pick = userId ? cameras.find((f) => f.userId === userId) : cameras[0]
    if (!pick)
      throw new BroadcastRefused(
        404,
        userId
          ? 'That person has no camera on the media server; they go on stage first.'
          : 'No camera is on the media server to broadcast; someone goes on stage first.',
      )
    const current = active.get(sessionId)
    if (current && current.source.userId === pick.userId && !current.stopping)
      return statusOf(sessionId)
    if (current) await stop(sessionId, 'The host switched the broadcast to another camera.')
    const key = randomBytes(16).toString('base64url')
    const dir = join(options.dir, key)
    const broadcast: Broadcast = {
      sessionId,
      key,
      dir,
      source: { userId: pick.userId, feed: 'camera' },
      state: BroadcastState.starting,
      startedAt: Date.now(),
      encoder: null,
      forward: null,
      watch: null,
      stopping: false,
    }
    active.set(sessionId, broadcast)
    ended.delete(sessionId)
    const source = await sfu.source(sessionId, pick.userId, 'camera').catch(() => null)
    if (!source?.mids.video) {
      active.delete(sessionId)
      throw new BroadcastRefused(404, 'That camera left the media server; try again.')
    }
    try {
      mkdirSync(dir, { recursive: true })
      folders.set(key, dir)
      const video = await rtpPortPair()
      const audio = source.mids.audio ? await rtpPortPair() : null
      const sdpFile = join(dir, 'stream.sdp')
      writeFileSync(sdpFile, broadcastSdp({ video, audio }))
      broadcast.encoder = startFfmpeg(options.ffmpeg, ffmpegArgs(sdpFile, dir, audio !== null))
      void broadcast.encoder.exited.then(({ code, signal, output }) => {
        if (broadcast.stopping) return
        log.warn({ sessionId, code, signal, output }, 'ffmpeg exited during a broadcast')
        void fail(sessionId, 'The broadcaster stopped unexpectedly.')
      })
      // RTP sent before ffmpeg listens is lost, and with it the keyframe Janus asks for
      // when a forwarder is added: forward only once ffmpeg has its ports.
      if (!(await untilBound(video, 10_000)))
        throw new Error('ffmpeg did not open its RTP ports in time')
      // The forwarder acts as a viewer (`simulcast`): one stream of the best layer the
      // publisher sends now. A fixed layer would leave ffmpeg without a picture while the
      // publisher's bandwidth estimate keeps that layer off (at the start, on a thin
      // uplink); ffmpeg scales whatever comes to one size.
      const streams: Record<string, unknown>[] = [
        { mid: source.mids.video, port: video, pt: VIDEO_PT, simulcast: true },
      ]
      if (audio !== null && source.mids.audio)
        streams.push({ mid: source.mids.audio, port: audio, pt: AUDIO_PT })
      const answer = await sfu.request(
        withKey({
          request: 'rtp_forward',
          room: source.room,
          secret: source.secret,
          publisher_id: source.publisherId,
          host: options.rtpHost,
          streams,
        }),
      )
      const forwarders = (answer.forwarders ?? []) as { stream_id?: number; port?: number }[]
      broadcast.forward = {
        room: source.room,
        secret: source.secret,
        publisherId: source.publisherId,
        streams: forwarders.map((f) => f.stream_id).filter((id): id is number => !!id),
      }
      if (broadcast.stopping) return statusOf(sessionId)
      log.info({ sessionId, key, pid: broadcast.encoder.pid }, 'broadcast started')
      watch(broadcast)
    } catch (error) {
      log.warn({ err: error, sessionId }, 'the broadcast did not start')
      await fail(sessionId, 'The broadcast could not start; try again.')
      throw new BroadcastRefused(503, 'The broadcast could not start; try again.')
    }
    announce(sessionId)
    return statusOf(sessionId)
  }

  /** Live once the playlist exists; stopped when it never comes or stops changing. */
  function watch(broadcast: Broadcast) {
    const playlist = join(broadcast.dir, 'index.m3u8')
    let changed = Date.now()
    let last = 0
    let asked = Date.now()
    broadcast.watch = setInterval(() => {
      if (broadcast.stopping) return
      let mtime = 0
      try {
        mtime = statSync(playlist).mtimeMs
      } catch {
        mtime = 0
      }
      const now = Date.now()
      if (mtime !== last) {
        last = mtime
        changed = now
      }
      if (broadcast.state === BroadcastState.starting && mtime > 0) {
        broadcast.state = BroadcastState.live
        failures.delete(broadcast.sessionId)
        log.info(
          { sessionId: broadcast.sessionId, ms: now - broadcast.startedAt },
          'broadcast live',
        )
        announce(broadcast.sessionId)
      } else if (broadcast.state === BroadcastState.starting) {
        if (now - broadcast.startedAt > startTimeoutMs) {
          log.warn(
            { sessionId: broadcast.sessionId, output: broadcast.encoder?.output() },
            'no picture reached the broadcast',
          )
          void fail(broadcast.sessionId, 'No picture reached the broadcaster; try again.')
        }
        // ffmpeg decodes from a keyframe on: the one Janus asks for when the forwarder is
        // added may be skipped (it sends at most one request a second) or lost, so ask again.
        else if (now - asked >= KEYFRAME_EVERY_MS) {
          asked = now
          sfu
            .keyframe(broadcast.sessionId, broadcast.source.userId, 'camera')
            .catch(() => undefined)
        }
      } else if (now - changed > stallMs) {
        void fail(broadcast.sessionId, 'The broadcast stopped receiving the stage.')
      }
    }, 250)
    broadcast.watch.unref()
  }

  return {
    status: statusOf,
    /** The host starts the broadcast (of `userId`'s camera, or the first on the SFU). */
    async startByHost(sessionId: string, userId?: string): Promise<BroadcastStatus> {
      held.delete(sessionId)
      failures.delete(sessionId)
      const status = await start(sessionId, userId)
      if (status.source) demand.set(sessionId, status.source)
      return status
    },
    async stopByHost(sessionId: string): Promise<BroadcastStatus> {
      held.add(sessionId)
      demand.delete(sessionId)
      await stop(sessionId, 'The host stopped the broadcast.')
      return statusOf(sessionId)
    },
    /** A viewer was refused because `feed` has as many SFU viewers as it may. */
    full(sessionId: string, feed: SfuFeed) {
      if (feed.feed !== 'camera' || held.has(sessionId) || !options.ffmpeg) return
      demand.set(sessionId, feed)
      if (active.has(sessionId) || launching.has(sessionId)) return
      start(sessionId, feed.userId).catch((error: unknown) =>
        log.warn({ err: error, sessionId }, 'the broadcast past the SFU cap did not start'),
      )
    },
    /** A session's published feeds changed: its publisher gone, the broadcast stops; back, it resumes. */
    feeds(sessionId: string, feeds: SfuFeed[]) {
      const broadcast = active.get(sessionId)
      const has = (f: SfuFeed) => feeds.some((g) => g.userId === f.userId && g.feed === f.feed)
      if (broadcast && !broadcast.stopping && !has(broadcast.source)) {
        void stop(
          sessionId,
          'The presenter left the stage; the broadcast resumes when they return.',
        )
        return
      }
      const wanted = demand.get(sessionId)
      if (
        !broadcast &&
        wanted &&
        has(wanted) &&
        !held.has(sessionId) &&
        !closed &&
        !launching.has(sessionId)
      )
        start(sessionId, wanted.userId).catch(() => undefined)
    },
    /** The session's room on the SFU closed (its last socket left): nothing of it stays. */
    async closed(sessionId: string) {
      demand.delete(sessionId)
      held.delete(sessionId)
      failures.delete(sessionId)
      await stop(sessionId, 'Everyone left the stage.')
      ended.delete(sessionId)
    },
    /** The folder of a broadcast (live, or ended moments ago), or null. */
    folder(key: string): string | null {
      return folders.get(key) ?? null
    },
    greeting(sessionId: string): SfuServerMessage[] {
      return [{ type: 'broadcast', broadcast: statusOf(sessionId) }]
    },
    running: () => active.size,
    async close() {
      closed = true
      for (const timer of [...removals, ...retries]) clearTimeout(timer)
      removals.clear()
      retries.clear()
      await Promise.all([...active.keys()].map((sessionId) => stop(sessionId, 'shutting down')))
    },
  }
}

export type Broadcaster = ReturnType<typeof createBroadcaster>

/**
 * Removes folders a previous run left behind (a crash): a live broadcast writes a segment
 * every second, so a folder untouched for minutes is no one's (another process sharing
 * DATA_DIR keeps its own).
 */
function removeStale(dir: string) {
  let names: string[] = []
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    const path = join(dir, name)
    try {
      if (Date.now() - statSync(path).mtimeMs > 10 * 60_000)
        rmSync(path, { recursive: true, force: true })
    } catch {
      // Gone meanwhile.
    }
  }
}
