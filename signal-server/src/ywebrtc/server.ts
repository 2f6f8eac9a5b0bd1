import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { ACCESS_REVOKED, CloseCode, isStaff, Y_WEBRTC_PATH } from '@podium/shared'
import { TokenBucket } from '@podium/shared/server'
import type { Logger } from 'pino'
import { WebSocket, WebSocketServer } from 'ws'
import { type Claims, checkToken, type StandingCheck } from '../auth/tokens.ts'
import type { SignalMetrics } from '../observability/metrics.ts'
import { decodeSignalMessage } from './messages.ts'
import { topicAllowed } from './room.ts'

const PING_INTERVAL_MS = 30_000
const MAX_FRAME_BYTES = 128 * 1024

/**
 * The y-webrtc signaling endpoint for staff: subscribe, unsubscribe, publish and ping
 * over one WebSocket, as y-webrtc's reference server speaks them, with a staff token
 * (`?token=`) checked at the door and topics limited to the token's session room.
 */
export function createYWebrtcSignaling(options: {
  secret: string
  standing: StandingCheck
  log: Logger
  metrics: SignalMetrics
}) {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
  })
  const topics = new Map<string, Set<WebSocket>>()
  /** Each open socket's token, and how to cut it off when its role is withdrawn. */
  const holders = new Map<
    WebSocket,
    { claims: Claims; revoke(code: CloseCode, reason: string): void }
  >()

  /** Closes a socket the rules refused, counted under `reason` (a short, fixed word). */
  const refuse = (socket: WebSocket, code: CloseCode, message: string, reason = message) => {
    options.metrics.refused.inc({ endpoint: 'ywebrtc', reason })
    socket.close(code, message)
  }

  const send = (socket: WebSocket, message: object) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message))
  }

  const unsubscribe = (socket: WebSocket, topic: string) => {
    const subscribers = topics.get(topic)
    if (!subscribers) return
    subscribers.delete(socket)
    if (subscribers.size === 0) topics.delete(topic)
  }

  const serve = (socket: WebSocket, claims: Claims) => {
    const sessionId = claims.sid
    const mine = new Set<string>()
    const bucket = new TokenBucket(50, 200)
    let alive = true
    let revoked = false
    holders.set(socket, {
      claims,
      // Out of every room at once (the closing handshake may take a while, and frames
      // that arrive meanwhile are not relayed), then closed with the reason.
      revoke(code, reason) {
        revoked = true
        for (const topic of mine) unsubscribe(socket, topic)
        mine.clear()
        refuse(socket, code, reason)
      },
    })
    const ping = setInterval(() => {
      if (!alive) return socket.terminate()
      alive = false
      socket.ping()
    }, PING_INTERVAL_MS)
    socket.on('pong', () => {
      alive = true
    })
    socket.on('close', () => {
      holders.delete(socket)
      clearInterval(ping)
      for (const topic of mine) unsubscribe(socket, topic)
      mine.clear()
    })
    socket.on('error', (error) => options.log.debug({ err: error }, 'y-webrtc socket error'))
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (revoked) return
      if (!bucket.take())
        return refuse(socket, CloseCode.rateLimited, 'too many messages', 'rate-limited')
      const message = isBinary ? null : decodeSignalMessage(data)
      if (!message)
        return refuse(socket, CloseCode.badFrame, 'not a y-webrtc signaling message', 'bad-frame')
      switch (message.type) {
        case 'subscribe':
          for (const topic of message.topics) {
            if (!topicAllowed(sessionId, topic))
              return refuse(socket, CloseCode.forbidden, 'topic-forbidden')
          }
          for (const topic of message.topics) {
            const subscribers = topics.get(topic) ?? new Set<WebSocket>()
            topics.set(topic, subscribers)
            subscribers.add(socket)
            mine.add(topic)
          }
          return
        case 'unsubscribe':
          for (const topic of message.topics) {
            unsubscribe(socket, topic)
            mine.delete(topic)
          }
          return
        case 'publish': {
          if (!topicAllowed(sessionId, message.topic))
            return refuse(socket, CloseCode.forbidden, 'topic-forbidden')
          const receivers = topics.get(message.topic)
          if (!receivers) return
          options.metrics.relayed.inc({ endpoint: 'ywebrtc' })
          const relayed = { ...message, clients: receivers.size }
          for (const receiver of receivers) send(receiver, relayed)
          return
        }
        case 'ping':
          return send(socket, { type: 'pong' })
        default: {
          const unknown: never = message
          throw new Error(`unhandled message ${JSON.stringify(unknown)}`)
        }
      }
    })
  }

  return {
    matches: (path: string) => path === Y_WEBRTC_PATH,
    /** Staff sockets admitted and still open. */
    openSockets: () => holders.size,
    /** Topics with at least one subscriber. */
    rooms: () => topics.size,
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
      socket.on('error', () => socket.destroy())
      const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token')
      checkToken(options.secret, token, options.standing).then(
        (result) => {
          wss.handleUpgrade(request, socket, head, (ws) => {
            if (!result.ok) {
              const code =
                result.reason === 'unknown-session'
                  ? CloseCode.notFound
                  : result.reason === 'revoked'
                    ? CloseCode.forbidden
                    : CloseCode.unauthorized
              return refuse(ws, code, `token-${result.reason}`)
            }
            if (!isStaff(result.claims.role)) return refuse(ws, CloseCode.forbidden, 'staff-only')
            serve(ws, result.claims)
          })
        },
        (error: unknown) => {
          options.log.warn({ err: error }, 'y-webrtc admission failed')
          socket.destroy()
        },
      )
    },
    /** Closes the sockets of a user whose role was withdrawn (4403 `access-revoked`). */
    withdraw(userId: string) {
      for (const holder of [...holders.values()]) {
        if (holder.claims.sub === userId) holder.revoke(CloseCode.forbidden, ACCESS_REVOKED)
      }
    },
    /** Checks the standing of every open socket's token again; closes those that lost it. */
    async revalidate() {
      for (const [socket, holder] of [...holders]) {
        const standing = await options.standing(holder.claims)
        if (standing === 'ok' || holders.get(socket) !== holder) continue
        if (standing === 'revoked') holder.revoke(CloseCode.forbidden, ACCESS_REVOKED)
        else holder.revoke(CloseCode.notFound, `token-${standing}`)
      }
    },
    close() {
      for (const client of wss.clients) client.terminate()
      holders.clear()
      topics.clear()
      wss.close()
    },
  }
}
