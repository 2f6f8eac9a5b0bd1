import { randomBytes, randomInt } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import {
  ACCESS_REVOKED,
  CloseCode,
  canPublishVideo,
  isStaff,
  SFU_PATH,
  SfuClientMessage,
  type SfuFeed,
  type SfuFeedKind,
  SfuRefusal,
  type SfuServerMessage,
  Substream,
} from '@podium/shared'
import { TokenBucket } from '@podium/shared/server'
import type { Logger } from 'pino'
import { WebSocket, WebSocketServer } from 'ws'
import type { Claims, StandingCheck, TokenCheck } from '../auth/tokens.ts'
import type { SignalMetrics } from '../observability/metrics.ts'
import type { StageCheck } from '../peer/server.ts'
import type { SessionStatusCheck } from '../turn/routes.ts'
import { publishedMids } from './broadcast/mids.ts'
import { JanusConnection, JanusError, type JanusHandle, type JanusSession } from './janus.ts'
import { LayerSwitch } from './layer-switch.ts'
import { answerPublishes, sdpProblem } from './sdp.ts'

const VIDEOROOM = 'janus.plugin.videoroom'
const MAX_FRAME_BYTES = 128 * 1024
const MAX_SUBSCRIPTIONS = 16

export interface SfuTarget {
  /** Janus's WebSocket API, e.g. ws://127.0.0.1:8188. */
  url: string
  /** Janus's api_secret, when it has one. */
  apiSecret?: string | undefined
}

export interface SfuProxyOptions {
  janus: SfuTarget | undefined
  checkToken: (accessToken: string) => Promise<TokenCheck>
  standing: StandingCheck
  status?: SessionStatusCheck | undefined
  /** Why the session may not have a video stage (its host's plan); null when it may. */
  stage?: StageCheck | undefined
  /** Called once a session's room exists, before anyone joins it (a recording carries on). */
  roomCreated?: (sessionId: string, room: { number: number; secret: string }) => Promise<void>
  log: Logger
  metrics: SignalMetrics
  /** Subscribe requests per second a socket may make, and its burst. */
  subscribeRate?: { perSecond: number; burst: number }
  /** Viewers one feed may have through the SFU (SFU_MAX_VIEWERS); past it, `sfu-full`. */
  maxViewers?: number | undefined
  /** Told about feeds and full feeds (the HLS broadcast listens); adds to each greeting. */
  hooks?: SfuHooks | undefined
}

export interface SfuHooks {
  feeds(sessionId: string, feeds: SfuFeed[]): void
  full(sessionId: string, feed: SfuFeed): void
  greeting(sessionId: string): SfuServerMessage[]
  /** The session's room closed: its last socket left. */
  closed(sessionId: string): void
}

const closeCodes: Record<string, number> = {
  'token-missing': CloseCode.unauthorized,
  'token-expired': CloseCode.unauthorized,
  'token-invalid': CloseCode.unauthorized,
  'unknown-session': CloseCode.notFound,
  [ACCESS_REVOKED]: CloseCode.forbidden,
}

const tokenMessages: Record<Exclude<TokenCheck, { ok: true }>['reason'], [string, string]> = {
  missing: ['token-missing', 'Connect with your session token in the token parameter.'],
  expired: ['token-expired', 'Your session token has expired; join the session again.'],
  invalid: ['token-invalid', 'Your session token is not valid; join the session again.'],
  'unknown-session': ['unknown-session', 'This session no longer exists.'],
  revoked: [ACCESS_REVOKED, 'The host has withdrawn your role in this session.'],
}

interface Published {
  userId: string
  feed: SfuFeedKind
  janusId: number
  owner: Client
  mids: { video: string | null; audio: string | null }
  /** When a keyframe was last asked of it (ms): requests close together are one. */
  keyframeAskedAt: number
}

interface Room {
  sessionId: string
  number: number
  pin: string
  secret: string
  clients: Set<Client>
  feeds: Map<string, Published>
}

interface Subscription {
  handle: JanusHandle
  key: string
  videoMids: string[]
  layers: LayerSwitch
}

interface Client {
  socket: WebSocket
  claims: Claims
  /** The token it was admitted with: the plan check is asked as this person. */
  token: string
  janus: Promise<JanusSession> | null
  publishing: Map<SfuFeedKind, { handle: JanusHandle; janusId: number }>
  subscriptions: Map<string, Subscription>
  frames: TokenBucket
  subscribes: TokenBucket
  closed: boolean
}

const feedKey = (userId: string, feed: SfuFeedKind) => `${userId}\n${feed}`
/** Keyframe requests for one feed closer together than this are sent once. */
const KEYFRAME_COALESCE_MS = 250

class Refused extends Error {
  constructor(
    readonly code: SfuRefusal,
    message: string,
  ) {
    super(message)
  }
}

/**
 * The SFU's signalling proxy: a token-checked WebSocket (`/sfu`) in front of Janus's
 * VideoRoom, so browsers never reach Janus's API. Each session has one Janus room whose
 * pin and secret only this server knows; each socket has its own Janus session, so its
 * handles are bound to the token's identity and end with the socket. Only the host and
 * presenters of a live session publish; viewers subscribe to feeds of their own session,
 * at a limited rate; a withdrawn role closes the socket and with it the media.
 */
export function createSfuProxy(options: SfuProxyOptions) {
  const log = options.log.child({ component: 'sfu' })
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
  })
  const clients = new Set<Client>()
  const rooms = new Map<string, Promise<Room>>()
  let connection: Promise<JanusConnection> | null = null
  let manager: Promise<JanusHandle> | null = null
  const subscribeRate = options.subscribeRate ?? { perSecond: 2, burst: 10 }

  const janus = (): Promise<JanusConnection> => {
    const target = options.janus
    if (!target)
      return Promise.reject(
        new Refused(SfuRefusal.unavailable, 'No media server is configured (JANUS_URL).'),
      )
    if (!connection) {
      const opening = JanusConnection.open(target.url, target.apiSecret)
      connection = opening
      opening.then(
        (open) => {
          open.on('error', (error: Error) => log.warn({ err: error }, 'janus connection error'))
          open.once('close', () => {
            log.warn('the connection to Janus closed; its rooms and media are gone')
            connection = null
            manager = null
            rooms.clear()
            for (const client of [...clients])
              shut(
                client,
                CloseCode.restarting,
                SfuRefusal.unavailable,
                'The media server went away; reconnect.',
              )
          })
        },
        () => {
          connection = null
        },
      )
    }
    return connection
  }

  const managerHandle = (): Promise<JanusHandle> => {
    if (!manager) {
      manager = janus()
        .then((open) => open.createSession())
        .then((session) => session.attach(VIDEOROOM, () => undefined))
      manager.catch(() => {
        manager = null
      })
    }
    return manager
  }

  const roomOf = (sessionId: string): Promise<Room> => {
    let room = rooms.get(sessionId)
    if (!room) {
      room = (async () => {
        const handle = await managerHandle()
        const created: Room = {
          sessionId,
          number: randomInt(1, 2 ** 47),
          pin: randomBytes(16).toString('hex'),
          secret: randomBytes(16).toString('hex'),
          clients: new Set(),
          feeds: new Map(),
        }
        await handle.sync({
          request: 'create',
          // Our Janus config sets the VideoRoom's admin_key to the API secret, so only we create rooms.
          ...(options.janus?.apiSecret ? { admin_key: options.janus.apiSecret } : {}),
          room: created.number,
          secret: created.secret,
          pin: created.pin,
          is_private: true,
          permanent: false,
          publishers: 16,
          description: `podium ${sessionId}`.slice(0, 100),
          videocodec: 'vp8',
          audiocodec: 'opus',
          notify_joining: false,
        })
        // A failure here must not keep people out of the room: the recording misses it.
        await options.roomCreated?.(sessionId, created).catch((error: unknown) => {
          log.warn({ err: error, sessionId }, 'recording did not carry on into the new room')
        })
        return created
      })()
      rooms.set(sessionId, room)
      room.catch(() => rooms.delete(sessionId))
    }
    return room
  }

  const send = (client: Client, message: SfuServerMessage) => {
    if (client.socket.readyState === WebSocket.OPEN) client.socket.send(JSON.stringify(message))
  }

  const refuse = (client: Client, code: SfuRefusal, message: string, ref?: string) => {
    options.metrics.refused.inc({ endpoint: 'sfu', reason: code })
    log.info({ userId: client.claims.sub, refusal: code, ref }, 'sfu request refused')
    send(client, { type: 'error', code, message, ...(ref ? { ref } : {}) })
  }

  const feedsOf = (room: Room): SfuFeed[] =>
    [...room.feeds.values()].map(({ userId, feed }) => ({ userId, feed }))

  const announce = (room: Room) => {
    const feeds = feedsOf(room)
    for (const client of room.clients) send(client, { type: 'feeds', feeds })
    options.hooks?.feeds(room.sessionId, feeds)
  }

  const janusSessionOf = (client: Client): Promise<JanusSession> => {
    if (!client.janus) {
      client.janus = janus().then((open) => open.createSession())
      client.janus.catch(() => {
        client.janus = null
      })
    }
    return client.janus
  }

  /** Asks a feed's publisher for a keyframe (through Janus, as an RTCP PLI). */
  const askKeyframe = async (published: Published) => {
    const now = Date.now()
    if (now - published.keyframeAskedAt < KEYFRAME_COALESCE_MS) return
    published.keyframeAskedAt = now
    const handle = published.owner.publishing.get(published.feed)?.handle
    await handle?.send({ request: 'configure', keyframe: true })
  }

  /** Stops a feed: its publisher handle goes, and so does every subscription to it. */
  const unpublish = async (client: Client, feed: SfuFeedKind) => {
    const publishing = client.publishing.get(feed)
    if (!publishing) return
    client.publishing.delete(feed)
    const room = await rooms.get(client.claims.sid)?.catch(() => undefined)
    const key = feedKey(client.claims.sub, feed)
    if (room && room.feeds.get(key)?.owner === client) {
      room.feeds.delete(key)
      for (const other of room.clients)
        for (const [id, subscription] of [...other.subscriptions])
          if (subscription.key === key) {
            subscription.layers.stop()
            other.subscriptions.delete(id)
            send(other, { type: 'ended', subscription: id })
            void subscription.handle.detach()
          }
      announce(room)
    }
    await publishing.handle.detach()
  }

  const publish = async (client: Client, feed: SfuFeedKind, sdp: string) => {
    const { claims } = client
    if (!canPublishVideo(claims.role))
      throw new Refused(
        SfuRefusal.publishForbidden,
        'Only the host and presenters may publish video in this session.',
      )
    const status = await options.status?.(claims.sid)
    if (status !== undefined && status !== 'live')
      throw new Refused(
        SfuRefusal.publishForbidden,
        'The stage goes out through the media server only while the session is live.',
      )
    const notInPlan = await options.stage?.(claims.sid, client.token)
    if (notInPlan) throw new Refused(SfuRefusal.publishForbidden, notInPlan)
    const problem = sdpProblem(sdp, 'publish-offer')
    if (problem) throw new Refused(SfuRefusal.badSdp, problem)
    const room = await roomOf(claims.sid)
    await unpublish(client, feed)
    // The same person publishing this feed from another tab (a reload): the newest wins.
    const previous = room.feeds.get(feedKey(claims.sub, feed))
    if (previous && previous.owner !== client) await unpublish(previous.owner, feed)
    const session = await janusSessionOf(client)
    const janusId = randomInt(1, 2 ** 47)
    const key = feedKey(claims.sub, feed)
    // Viewers may subscribe once media flows (Janus has no feed to offer before that).
    const handle = await session.attach(VIDEOROOM, (event) => {
      if (client.closed || client.publishing.get(feed)?.handle !== handle) return
      if (event.janus === 'hangup') void unpublish(client, feed)
      else if (event.janus === 'webrtcup') {
        room.feeds.set(key, {
          userId: claims.sub,
          feed,
          janusId,
          owner: client,
          mids: publishedMids(sdp),
          keyframeAskedAt: 0,
        })
        announce(room)
      }
    })
    client.publishing.set(feed, { handle, janusId })
    await handle.send({
      request: 'join',
      ptype: 'publisher',
      room: room.number,
      pin: room.pin,
      id: janusId,
      display: feed,
    })
    // Our publishers list their layers lowest first (SIMULCAST_LAYERS: l, m, h); Janus
    // reads rids highest first unless told, which would turn every layer choice upside down.
    const answer = await handle.send(
      { request: 'publish', audio: true, video: true },
      { type: 'offer', sdp, rid_order: 'lmh' },
    )
    if (answer.jsep?.type !== 'answer')
      throw new Refused(SfuRefusal.mediaServer, 'The media server did not answer the offer.')
    if (client.closed || client.publishing.get(feed)?.handle !== handle) return
    send(client, { type: 'published', feed, sdp: answer.jsep.sdp })
  }

  const subscribe = async (
    client: Client,
    sessionId: string,
    userId: string,
    feed: SfuFeedKind,
  ) => {
    if (!client.subscribes.take())
      throw new Refused(
        SfuRefusal.rateLimited,
        'Too many subscribe requests; wait a moment before asking again.',
      )
    if (sessionId !== client.claims.sid)
      throw new Refused(SfuRefusal.otherSession, 'Feeds of another session are out of reach.')
    if (client.subscriptions.size >= MAX_SUBSCRIPTIONS)
      throw new Refused(
        SfuRefusal.rateLimited,
        `At most ${MAX_SUBSCRIPTIONS} feeds at once; stop watching one first.`,
      )
    const room = await roomOf(sessionId)
    const key = feedKey(userId, feed)
    const published = room.feeds.get(key)
    if (!published)
      throw new Refused(
        SfuRefusal.noSuchFeed,
        'That feed is not on the media server (the presenter may have left).',
      )
    const watching = [...room.clients].reduce(
      (n, c) => n + [...c.subscriptions.values()].filter((s) => s.key === key).length,
      0,
    )
    if (options.maxViewers !== undefined && watching >= options.maxViewers) {
      options.hooks?.full(sessionId, { userId, feed })
      throw new Refused(
        SfuRefusal.full,
        'The media server serves as many viewers of this feed as it may; watch the broadcast instead.',
      )
    }
    const session = await janusSessionOf(client)
    const id = `s${randomBytes(8).toString('hex')}`
    const handle = await session.attach(VIDEOROOM, (event) => {
      const own = client.subscriptions.get(id)
      if (own?.handle !== handle) return
      if (event.janus === 'hangup') {
        own.layers.stop()
        client.subscriptions.delete(id)
        send(client, { type: 'ended', subscription: id })
        void handle.detach()
      }
      // Janus switched the layer it forwards (from a keyframe of the new one): the viewer's
      // tile names that layer, not the one it asked for.
      const substream = event.plugindata?.data?.substream
      if (event.janus === 'event' && typeof substream === 'number') {
        own.layers.forwarded(substream)
        const forwarded = Substream.safeParse(substream)
        if (forwarded.success)
          send(client, { type: 'forwarding', subscription: id, substream: forwarded.data })
      }
    })
    const subscription: Subscription = {
      handle,
      key,
      videoMids: [],
      layers: new LayerSwitch(async () => {
        const source = (await rooms.get(sessionId)?.catch(() => undefined))?.feeds.get(key)
        if (source && !client.closed && client.subscriptions.get(id) === subscription)
          await askKeyframe(source)
      }),
    }
    client.subscriptions.set(id, subscription)
    const offer = await handle.send({
      request: 'join',
      ptype: 'subscriber',
      room: room.number,
      pin: room.pin,
      streams: [{ feed: published.janusId }],
    })
    if (offer.jsep?.type !== 'offer')
      throw new Refused(SfuRefusal.mediaServer, 'The media server did not offer the feed.')
    const streams = (offer.plugindata?.data?.streams ?? []) as { type?: string; mid?: string }[]
    subscription.videoMids = streams
      .filter((s) => s.type === 'video' && s.mid)
      .map((s) => s.mid as string)
    if (client.closed || !client.subscriptions.has(id)) return void handle.detach()
    send(client, { type: 'offer', subscription: id, userId, feed, sdp: offer.jsep.sdp })
  }

  const ownSubscription = (client: Client, id: string): Subscription => {
    const subscription = client.subscriptions.get(id)
    if (!subscription)
      throw new Refused(SfuRefusal.notYours, 'That subscription is not one of yours.')
    return subscription
  }

  const handle = async (client: Client, message: SfuClientMessage) => {
    switch (message.type) {
      case 'publish':
        return publish(client, message.feed, message.sdp)
      case 'unpublish':
        return unpublish(client, message.feed)
      case 'subscribe':
        return subscribe(client, message.sessionId, message.userId, message.feed)
      case 'answer': {
        const subscription = ownSubscription(client, message.subscription)
        const problem = sdpProblem(message.sdp, 'subscribe-answer')
        if (problem) throw new Refused(SfuRefusal.badSdp, problem)
        if (answerPublishes(message.sdp))
          throw new Refused(
            SfuRefusal.publishForbidden,
            'Viewers only receive: the answer may not send audio or video.',
          )
        await subscription.handle.send({ request: 'start' }, { type: 'answer', sdp: message.sdp })
        return send(client, { type: 'started', subscription: message.subscription })
      }
      case 'candidate': {
        const feed = /^publish:(camera|screen)$/.exec(message.target)?.[1] as
          | SfuFeedKind
          | undefined
        const target = feed
          ? client.publishing.get(feed)?.handle
          : client.subscriptions.get(message.target)?.handle
        if (!target) throw new Refused(SfuRefusal.notYours, 'That connection is not one of yours.')
        await target.trickle(message.candidate)
        return
      }
      case 'substream': {
        const subscription = ownSubscription(client, message.subscription)
        await subscription.handle.send({
          request: 'configure',
          streams: subscription.videoMids.map((mid) => ({ mid, substream: message.substream })),
        })
        // Janus asked the publisher for a keyframe once; asked again until it switches.
        subscription.layers.want(message.substream)
        return send(client, {
          type: 'substream',
          subscription: message.subscription,
          substream: message.substream as Substream,
        })
      }
      case 'unsubscribe': {
        const subscription = ownSubscription(client, message.subscription)
        subscription.layers.stop()
        client.subscriptions.delete(message.subscription)
        await subscription.handle.detach()
        return
      }
      default: {
        const unknown: never = message
        throw new Error(`unhandled message ${JSON.stringify(unknown)}`)
      }
    }
  }

  /** Closes a socket and ends its Janus session: every handle's media stops. */
  function shut(client: Client, code: number, reason: string, message?: string) {
    if (client.closed) return
    if (message) send(client, { type: 'error', code: reason as SfuRefusal, message })
    client.socket.close(code, reason)
    void cleanUp(client)
  }

  async function cleanUp(client: Client) {
    if (client.closed) return
    client.closed = true
    clients.delete(client)
    for (const subscription of client.subscriptions.values()) subscription.layers.stop()
    for (const feed of [...client.publishing.keys()])
      await unpublish(client, feed).catch(() => undefined)
    const room = await rooms.get(client.claims.sid)?.catch(() => undefined)
    room?.clients.delete(client)
    const session = await client.janus?.catch(() => null)
    await session?.destroy()
    if (room && room.clients.size === 0 && rooms.get(client.claims.sid)) {
      rooms.delete(client.claims.sid)
      options.hooks?.closed(client.claims.sid)
      const handle = await manager?.catch(() => null)
      await handle
        ?.sync({ request: 'destroy', room: room.number, secret: room.secret })
        .catch(() => undefined)
    }
  }

  const admitted = async (socket: WebSocket, claims: Claims, token: string) => {
    const client: Client = {
      socket,
      claims,
      token,
      janus: null,
      publishing: new Map(),
      subscriptions: new Map(),
      frames: new TokenBucket(20, 80),
      subscribes: new TokenBucket(subscribeRate.perSecond, subscribeRate.burst),
      closed: false,
    }
    clients.add(client)
    socket.on('close', () => void cleanUp(client))
    // Messages are handled one after another, in the order they came.
    let queue = Promise.resolve()
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (client.closed) return
      if (!client.frames.take()) {
        options.metrics.refused.inc({ endpoint: 'sfu', reason: SfuRefusal.rateLimited })
        return shut(
          client,
          CloseCode.rateLimited,
          SfuRefusal.rateLimited,
          'Too many messages; slow down.',
        )
      }
      let parsed: SfuClientMessage | null = null
      if (!isBinary) {
        try {
          const result = SfuClientMessage.safeParse(JSON.parse(data.toString()))
          if (result.success) parsed = result.data
        } catch {
          parsed = null
        }
      }
      if (!parsed)
        return refuse(client, SfuRefusal.badFrame, 'That was not an SFU signalling message.')
      const message = parsed
      queue = queue.then(() =>
        handle(client, message).catch((error: unknown) => {
          const ref =
            'subscription' in message
              ? message.subscription
              : 'feed' in message
                ? message.feed
                : undefined
          if (error instanceof Refused) return refuse(client, error.code, error.message, ref)
          if (error instanceof JanusError)
            return refuse(
              client,
              SfuRefusal.mediaServer,
              `The media server refused: ${error.message}.`,
              ref,
            )
          log.warn({ err: error }, 'sfu request failed')
          refuse(client, SfuRefusal.unavailable, 'The media server did not answer; try again.', ref)
        }),
      )
    })
    try {
      const room = await roomOf(claims.sid)
      if (client.closed) return
      room.clients.add(client)
      send(client, { type: 'feeds', feeds: feedsOf(room) })
      for (const message of options.hooks?.greeting(claims.sid) ?? []) send(client, message)
    } catch (error) {
      log.warn({ err: error }, 'the media server is out of reach')
      shut(
        client,
        CloseCode.restarting,
        SfuRefusal.unavailable,
        'The media server is out of reach; the stage stays peer to peer.',
      )
    }
  }

  return {
    enabled: options.janus !== undefined,
    /** Whether Janus answers now (GET /api/sfu). */
    async available(): Promise<{ available: boolean; reason: string | null }> {
      if (!options.janus)
        return { available: false, reason: 'No media server is configured (JANUS_URL).' }
      try {
        await managerHandle()
        return { available: true, reason: null }
      } catch {
        return { available: false, reason: 'The media server does not answer.' }
      }
    },
    openSockets: () => clients.size,
    /** The session's Janus room while anyone is in it, and how many feeds flow (recordings). */
    async stageRoom(
      sessionId: string,
    ): Promise<{ number: number; secret: string; feeds: number } | null> {
      const room = await rooms.get(sessionId)?.catch(() => undefined)
      return room ? { number: room.number, secret: room.secret, feeds: room.feeds.size } : null
    },
    /** A VideoRoom request on this server's own handle (a room's `edit`, `enable_recording`). */
    async roomRequest(body: Record<string, unknown>): Promise<Record<string, unknown>> {
      return (await managerHandle()).sync(body)
    },
    /** A published feed's room and publisher, for Janus's `rtp_forward` (the broadcast). */
    async source(sessionId: string, userId: string, feed: SfuFeedKind) {
      const room = await rooms.get(sessionId)
      const published = room?.feeds.get(feedKey(userId, feed))
      if (!room || !published) return null
      return {
        room: room.number,
        secret: room.secret,
        publisherId: published.janusId,
        mids: published.mids,
      }
    },
    /** Asks a publisher for a keyframe (a new forwarder's decoder starts from one). */
    async keyframe(sessionId: string, userId: string, feed: SfuFeedKind) {
      const room = await rooms.get(sessionId)
      const published = room?.feeds.get(feedKey(userId, feed))
      if (published) await askKeyframe(published)
    },
    /** The feeds published in a session now. */
    async feeds(sessionId: string): Promise<SfuFeed[]> {
      const room = await rooms.get(sessionId)?.catch(() => undefined)
      return room ? feedsOf(room) : []
    },
    /** A VideoRoom request on the proxy's own handle (rtp_forward, stop_rtp_forward). */
    async request(body: Record<string, unknown>) {
      return (await managerHandle()).sync(body)
    },
    /** Sends a message to every socket of a session. */
    tell(sessionId: string, message: SfuServerMessage) {
      void rooms.get(sessionId)?.then(
        (room) => {
          for (const client of room.clients) send(client, message)
        },
        () => undefined,
      )
    },
    matches: (path: string) => path === SFU_PATH,
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
      socket.on('error', () => socket.destroy())
      const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token')
      options
        .checkToken(token ?? '')
        .then((check) => {
          wss.handleUpgrade(request, socket, head, (ws) => {
            if (!check.ok) {
              const [reason, message] = tokenMessages[check.reason]
              options.metrics.refused.inc({ endpoint: 'sfu', reason })
              ws.send(JSON.stringify({ type: 'error', code: reason, message }))
              return ws.close(closeCodes[reason] ?? CloseCode.unauthorized, reason)
            }
            void admitted(ws, check.claims, token ?? '')
          })
        })
        .catch((error: unknown) => {
          log.warn({ err: error }, 'sfu admission failed')
          socket.destroy()
        })
    },
    /** A user's role was withdrawn: close their SFU sockets, and with them their media. */
    withdraw(userId: string) {
      for (const client of [...clients])
        if (client.claims.sub === userId)
          shut(
            client,
            CloseCode.forbidden,
            ACCESS_REVOKED,
            'The host has withdrawn your role in this session.',
          )
    },
    async revalidate() {
      for (const client of [...clients]) {
        if (!isStaff(client.claims.role)) continue
        const standing = await options.standing(client.claims)
        if (standing === 'ok') continue
        shut(
          client,
          standing === 'revoked' ? CloseCode.forbidden : CloseCode.notFound,
          standing === 'revoked' ? ACCESS_REVOKED : 'unknown-session',
          standing === 'revoked'
            ? 'The host has withdrawn your role in this session.'
            : 'This session no longer exists.',
        )
      }
    },
    close() {
      for (const client of [...clients]) shut(client, CloseCode.restarting, SfuRefusal.unavailable)
      wss.close()
      void connection?.then((open) => open.close()).catch(() => undefined)
      connection = null
    },
  }
}

export type SfuProxy = ReturnType<typeof createSfuProxy>
