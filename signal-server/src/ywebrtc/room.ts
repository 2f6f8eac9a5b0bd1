import { createHmac } from 'node:crypto'
import { isStaff, type WebrtcRoomResponse, webrtcRoomName, Y_WEBRTC_PATH } from '@podium/shared'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { requireBearer, type StandingCheck } from '../auth/tokens.ts'
import { Problem } from '../http/problem.ts'

/**
 * The y-webrtc room password of a session: derived from the server secret, so it is
 * the same on every instance and after restarts, and unguessable without the secret.
 * y-webrtc encrypts its signaling messages with it.
 */
export function roomPassword(secret: string, sessionId: string): string {
  return createHmac('sha256', secret).update(`podium:y-webrtc:${sessionId}`).digest('base64url')
}

/** Topics a session's staff may use: the room itself and `<room>:<document>`. */
export function topicAllowed(sessionId: string, topic: string): boolean {
  const room = webrtcRoomName(sessionId)
  return topic === room || (topic.startsWith(`${room}:`) && topic.length <= room.length + 65)
}

/** GET /api/sessions/:id/webrtc-room: the staff's peer-to-peer room (staff of that session only). */
export function webrtcRoomRoutes(options: {
  secret: string
  standing: StandingCheck
  publicUrl: (request?: FastifyRequest) => string
}) {
  return async (api: FastifyInstance) => {
    api.get<{ Params: { id: string } }>('/sessions/:id/webrtc-room', async (request, reply) => {
      const claims = await requireBearer(request, options.secret, options.standing)
      if (claims.sid !== request.params.id) {
        throw Problem.forbidden(
          'Your token is for another session; open that session to get its room.',
        )
      }
      if (!isStaff(claims.role)) {
        throw Problem.forbidden('Only the host, moderators and presenters sync peer to peer.')
      }
      const token = (request.headers.authorization ?? '').slice('Bearer '.length).trim()
      const base = options.publicUrl(request).replace(/\/$/, '').replace(/^http/, 'ws')
      const body: WebrtcRoomResponse = {
        room: webrtcRoomName(claims.sid),
        password: roomPassword(options.secret, claims.sid),
        signalingUrl: `${base}${Y_WEBRTC_PATH}?token=${encodeURIComponent(token)}`,
      }
      return reply.header('cache-control', 'no-store').send(body)
    })
  }
}
