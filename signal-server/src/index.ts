import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { Registry } from 'prom-client'
import { checkToken, type StandingCheck } from './auth/tokens.ts'
import { Problem, sendProblem } from './http/problem.ts'
import { createSignalMetrics } from './observability/metrics.ts'
import { peerHttpRoutes } from './peer/http.ts'
import { createPeerSignaling, type StageCheck } from './peer/server.ts'
import { createBroadcaster } from './sfu/broadcast/broadcaster.ts'
import { broadcastRoutes } from './sfu/broadcast/routes.ts'
import { createSfuProxy, type SfuTarget } from './sfu/proxy.ts'
import { createStageRecorder, type StageRecorder } from './sfu/recording/recorder.ts'
import { sfuRoutes } from './sfu/routes.ts'
import type { TurnConfig } from './turn/credentials.ts'
import { iceServerRoutes, type SessionStatusCheck } from './turn/routes.ts'
import { type StaffList, webrtcRoomRoutes } from './ywebrtc/room.ts'
import { createYWebrtcSignaling } from './ywebrtc/server.ts'

export type { StageCheck } from './peer/server.ts'
export { findFfmpeg } from './sfu/broadcast/ffmpeg.ts'
export type { SfuTarget } from './sfu/proxy.ts'
export { RECORDER_PATH, recorderKey } from './sfu/recording/internal.ts'
export {
  RecorderRefusal,
  RecorderRefusalCode,
  type StageRecorder,
} from './sfu/recording/recorder.ts'
export { type TurnConfig, turnCredential } from './turn/credentials.ts'
export type { SessionStatusCheck } from './turn/routes.ts'
export { type StaffList, type StaffMember, type StaffRoom, staffRoom } from './ywebrtc/room.ts'

/** A WebSocket endpoint on its own paths (the host server routes upgrades to it). */
export interface UpgradeHandler {
  matches(path: string): boolean
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void
  close(): void | Promise<void>
}

export interface SignalingOptions {
  /** The secret access tokens are signed with (the sync-server's TOKEN_SECRET). */
  secret: string
  turn: TurnConfig
  log: Logger
  /** The base URL people reach Podium at, as this request did (for the y-webrtc signaling URL). */
  publicUrl: (request?: FastifyRequest) => string
  /** Whether a token's holder still stands (the session exists; staff still hold their role). */
  standing: StandingCheck
  /** The session's current staff: the y-webrtc room and its password are derived from it. */
  staff: StaffList
  /** A session's status (TURN is for live sessions only); without it, not checked. */
  status?: SessionStatusCheck
  /** Why a session may not have a video stage (its host's plan); without it, every one may. */
  stage?: StageCheck
  /** Where the signaling metrics go (the host server's /metrics); without it, nowhere. */
  registry?: Registry
  /** Janus (JANUS_URL): viewers past the mesh cap watch through it; without it, mesh only. */
  janus?: SfuTarget | undefined
  /** Viewers one feed may have through the SFU (SFU_MAX_VIEWERS); past it, the HLS broadcast. */
  sfuMaxViewers?: number | undefined
  /** The HLS broadcast; without it (or without ffmpeg), viewers past the SFU's cap wait. */
  broadcast?: BroadcastConfig | undefined
}

export interface BroadcastConfig {
  /** Folder for the broadcasts' playlists and segments (DATA_DIR/broadcasts). */
  dir: string
  /** The ffmpeg binary (FFMPEG_PATH, or found on PATH); null: none. */
  ffmpeg: string | null
  /** Where Janus sends RTP to reach this server's ffmpeg (BROADCAST_RTP_ADDRESS). */
  rtpHost: string
}

export interface Signaling {
  /** `/peerjs/peerjs` (PeerJS), `/signal` (y-webrtc) and `/sfu` (the SFU's proxy). */
  upgrades: UpgradeHandler[]
  /** Register under `/api`: GET /ice-servers, GET /sfu, GET /sessions/:id/webrtc-room. */
  routes: (api: FastifyInstance) => Promise<void>
  /** Register at the root: PeerJS's HTTP routes under /peerjs, the broadcast's under /broadcast. */
  peerRoutes: (app: FastifyInstance) => Promise<void>
  /** A user's role was withdrawn: close their `/signal`, PeerJS and SFU sockets (4403 `access-revoked`). */
  withdraw(userId: string): void
  /** Checks every open socket's token against the database again; closes those that lost it. */
  revalidate(): Promise<void>
  /** Records a session's stage on Janus (the recordings API of the server that mounts this). */
  recorder: StageRecorder
}

/**
 * Video signaling for one Podium deployment: the PeerJS server with peer ids bound to
 * access tokens, y-webrtc signaling for staff, and the TURN credentials API. The
 * sync-server mounts it on its own port; signal-server/src/main.ts runs it alone.
 */
export function createSignaling(options: SignalingOptions): Signaling {
  const { standing } = options
  const log = options.log.child({ component: 'signaling' })
  // Read only when scraped, by then both endpoints exist.
  const metrics = createSignalMetrics(options.registry ?? new Registry(), {
    peerSockets: () => peer.openSockets(),
    ywebrtcSockets: () => ywebrtc.openSockets(),
    ywebrtcRooms: () => ywebrtc.rooms(),
  })
  const peer = createPeerSignaling({
    checkToken: (token) => checkToken(options.secret, token, standing),
    standing,
    log,
    metrics,
    ...(options.stage ? { stage: options.stage } : {}),
  })
  const ywebrtc = createYWebrtcSignaling({ secret: options.secret, standing, log, metrics })
  // A recording carries on into a room made again for its session (all had left, then a
  // publisher came back); the recorder is made after the proxy it drives.
  let recorder: StageRecorder | undefined
  const sfu = createSfuProxy({
    roomCreated: (sessionId, room) => recorder?.roomCreated(sessionId, room) ?? Promise.resolve(),
    janus: options.janus,
    checkToken: (token) => checkToken(options.secret, token, standing),
    standing,
    status: options.status,
    stage: options.stage,
    log,
    metrics,
    maxViewers: options.sfuMaxViewers,
    // Bound late: the broadcaster borrows the proxy's rooms, the proxy tells it of feeds.
    hooks: {
      feeds: (sessionId, feeds) => broadcaster.feeds(sessionId, feeds),
      full: (sessionId, feed) => broadcaster.full(sessionId, feed),
      greeting: (sessionId) => broadcaster.greeting(sessionId),
      closed: (sessionId) => void broadcaster.closed(sessionId),
    },
  })
  const broadcaster = createBroadcaster(sfu, {
    dir: options.broadcast?.dir ?? '',
    ffmpeg: options.janus ? (options.broadcast?.ffmpeg ?? null) : null,
    rtpHost: options.broadcast?.rtpHost ?? '127.0.0.1',
    adminKey: options.janus?.apiSecret,
    log,
  })

  const stageRecorder = createStageRecorder(sfu)
  recorder = stageRecorder

  return {
    upgrades: [
      peer,
      ywebrtc,
      {
        matches: (path) => sfu.matches(path),
        handleUpgrade: (request, socket, head) => sfu.handleUpgrade(request, socket, head),
        // Broadcasts first: their forwarders are stopped while Janus is still reachable.
        close: async () => {
          await broadcaster.close()
          sfu.close()
        },
      },
    ],
    routes: async (api) => {
      await api.register(async (scope) => {
        scope.setErrorHandler(problemOrRethrow)
        await iceServerRoutes({
          secret: options.secret,
          turn: options.turn,
          standing,
          status: options.status,
          metrics,
        })(scope)
        await sfuRoutes({ secret: options.secret, standing, sfu })(scope)
        await webrtcRoomRoutes({
          secret: options.secret,
          standing,
          staff: options.staff,
          publicUrl: options.publicUrl,
        })(scope)
      })
    },
    peerRoutes: async (app) => {
      await app.register(async (scope) => {
        scope.setErrorHandler(problemOrRethrow)
        await peerHttpRoutes(peer, { secret: options.secret, standing })(scope)
        await broadcastRoutes({ secret: options.secret, standing, broadcaster })(scope)
      })
    },
    withdraw(userId) {
      ywebrtc.withdraw(userId)
      peer.withdraw(userId)
      sfu.withdraw(userId)
    },
    async revalidate() {
      await ywebrtc.revalidate()
      await peer.revalidate()
      await sfu.revalidate()
    },
    recorder: stageRecorder,
  }
}

/** Our problems leave as problem+json; anything else goes to the host server's handler. */
function problemOrRethrow(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof Problem) return sendProblem(request, reply, error)
  throw error
}
