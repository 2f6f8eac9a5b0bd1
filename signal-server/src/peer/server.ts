import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { isStaff, PEERJS_KEY, PEERJS_PATH, PeerKind } from '@podium/shared'
import { TokenBucket } from '@podium/shared/server'
import express from 'express'
import { ExpressPeerServer } from 'peer'
import type { Logger } from 'pino'
import { WebSocket, WebSocketServer } from 'ws'
import type { StandingCheck, TokenCheck } from '../auth/tokens.ts'
import type { SignalMetrics } from '../observability/metrics.ts'
import { GatedSocket } from './gated-socket.ts'
import { decodeClientMessage } from './messages.ts'
import { Action, type Admitted, admit, decide, describeRefusal, Refusal } from './policy.ts'

const MAX_FRAME_BYTES = 64 * 1024

/**
 * Why a session may not have a video stage, in words; null when it may. Given the stage
 * peer's own token, so a check made elsewhere (the sync-server's API) is made as that person.
 */
export type StageCheck = (sessionId: string, token: string) => Promise<string | null>

export interface PeerSignalingOptions {
  checkToken: (accessToken: string) => Promise<TokenCheck>
  standing: StandingCheck
  log: Logger
  metrics: SignalMetrics
  /**
   * Why the session may not have a video stage, in words (its host's plan); null when it
   * may. Asked before a stage peer is admitted; without it, every session may.
   */
  stage?: StageCheck
  /** How long a silent client keeps its id (PeerJS clients send a heartbeat every 5 s). */
  aliveTimeoutMs?: number
}

/**
 * The `peer` package's PeerJS server, mounted without an HTTP server of its own.
 * Its WebSocket server is ours (`noServer`): upgrades are admitted by `admit` (the
 * peer id must be the one the token may hold) before the peer server sees them, and
 * each socket reaches it through a GatedSocket that applies `decide` to every frame.
 * Its HTTP routes (info, peer listing, which stays off) run on its own express router.
 */
export function createPeerSignaling(options: PeerSignalingOptions) {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
  })
  const connected = new Set<string>()
  /** The token each open socket was admitted with. */
  const admittedBy = new Map<WebSocket, Admitted>()

  // ExpressPeerServer insists on a server object, but only hands it to
  // createWebSocketServer, which ignores it: this one never listens.
  const detached = createServer()
  const peerApp = ExpressPeerServer(detached, {
    path: '/',
    key: PEERJS_KEY,
    allow_discovery: false,
    alive_timeout: options.aliveTimeoutMs ?? 30_000,
    expire_timeout: 5_000,
    createWebSocketServer: () => wss,
  })
  const router = express()
  router.disable('x-powered-by')
  router.use(PEERJS_PATH, peerApp)

  peerApp.on('connection', (client) => connected.add(client.getId()))
  peerApp.on('disconnect', (client) => connected.delete(client.getId()))
  peerApp.on('error', (error) => options.log.debug({ err: error }, 'peer server error'))

  const refuse = (socket: WebSocket, refusal: Refusal, detail?: string) => {
    options.metrics.refused.inc({ endpoint: 'peerjs', reason: refusal })
    const { message, code } = describeRefusal(refusal)
    if (socket.readyState === WebSocket.OPEN)
      socket.send(JSON.stringify({ type: 'ERROR', payload: { msg: detail ?? message } }))
    socket.close(code, refusal)
  }

  const inspector = (socket: WebSocket, id: string, admitted: Admitted) => {
    const bucket = new TokenBucket(100, 400)
    return (data: Buffer, isBinary: boolean): string | null => {
      // Cut off (a withdrawn role): nothing more it sends is relayed while it closes.
      if (!admittedBy.has(socket)) return null
      if (!bucket.take()) {
        refuse(socket, 'rate-limited')
        return null
      }
      const message = isBinary ? null : decodeClientMessage(data)
      if (!message) {
        refuse(socket, 'bad-frame')
        return null
      }
      const decision = decide(admitted.binding, message, (peerId) => connected.has(peerId))
      switch (decision.action) {
        case Action.relay:
          options.metrics.relayed.inc({ endpoint: 'peerjs' })
          return JSON.stringify(message)
        case Action.expire:
          socket.send(JSON.stringify({ type: 'EXPIRE', src: decision.dst, dst: id }))
          return null
        case Action.drop:
          return null
        case Action.refuse:
          options.log.info(
            { peerId: id, userId: admitted.claims.sub, refusal: decision.refusal },
            'peer message refused',
          )
          refuse(socket, decision.refusal)
          return null
        default: {
          const unknown: never = decision
          throw new Error(`unhandled decision ${JSON.stringify(unknown)}`)
        }
      }
    }
  }

  return {
    /** PeerJS's HTTP routes (`/peerjs`, `/peerjs/<key>/peers`) as its express router serves them. */
    router,
    connectedPeers: (): ReadonlySet<string> => connected,
    /** PeerJS sockets admitted and still open. */
    openSockets: () => admittedBy.size,
    matches: (path: string) => path === `${PEERJS_PATH}/${PEERJS_KEY}`,
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
      socket.on('error', () => socket.destroy())
      const query = new URL(request.url ?? '/', 'http://localhost').searchParams
      const id = query.get('id')
      admit({ id, token: query.get('token'), key: query.get('key') }, options.checkToken)
        .then(async (admission) => {
          const stageRefused =
            admission.ok && admission.admitted.binding.kind === PeerKind.stage && options.stage
              ? await options.stage(
                  admission.admitted.binding.sessionId,
                  admission.admitted.accessToken,
                )
              : null
          wss.handleUpgrade(request, socket, head, (ws) => {
            if (!admission.ok) {
              options.log.info(
                { peerId: id, refusal: admission.refusal },
                'peer connection refused',
              )
              return refuse(ws, admission.refusal)
            }
            if (stageRefused !== null) {
              options.log.info({ peerId: id }, 'stage peer refused by the plan')
              return refuse(ws, Refusal.stageNotInPlan, stageRefused)
            }
            admittedBy.set(ws, admission.admitted)
            ws.once('close', () => admittedBy.delete(ws))
            wss.emit(
              'connection',
              new GatedSocket(ws, inspector(ws, id ?? '', admission.admitted)),
              request,
            )
          })
        })
        .catch((error: unknown) => {
          options.log.warn({ err: error }, 'peer admission failed')
          socket.destroy()
        })
    },
    /** Unique enough for a tab: used when a client asks the server for its id. */
    nonce: () => randomBytes(9).toString('base64url').replace(/[-_]/g, 'x'),
    /**
     * Closes a user's sockets when their role was withdrawn: every one was admitted with
     * the staff token that no longer stands (a stage id needs the role; a watch id would
     * be refused on its next connection).
     */
    withdraw(userId: string) {
      for (const [socket, admitted] of [...admittedBy]) {
        if (admitted.claims.sub !== userId) continue
        admittedBy.delete(socket)
        refuse(socket, Refusal.revoked)
      }
    },
    /** Checks the standing of staff sockets' tokens again; closes those that lost it. */
    async revalidate() {
      for (const [socket, admitted] of [...admittedBy]) {
        if (!isStaff(admitted.claims.role)) continue
        const standing = await options.standing(admitted.claims)
        if (standing === 'ok' || admittedBy.get(socket) !== admitted) continue
        admittedBy.delete(socket)
        refuse(socket, standing === 'revoked' ? Refusal.revoked : Refusal.unknownSession)
      }
    },
    close() {
      for (const client of wss.clients) client.terminate()
      admittedBy.clear()
      connected.clear()
      wss.close()
    },
  }
}

export type PeerSignaling = ReturnType<typeof createPeerSignaling>
