import { createHmac } from 'node:crypto'
import {
  isStaff,
  type Role,
  type WebrtcRoomResponse,
  webrtcRoomName,
  Y_WEBRTC_PATH,
} from '@podium/shared'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { requireBearer, type StandingCheck } from '../auth/tokens.ts'
import { Problem } from '../http/problem.ts'

/** A user who holds a staff role (host, moderator, presenter) in a session. */
export interface StaffMember {
  userId: string
  role: Role
}

/** The session's current staff, read from the database. */
export type StaffList = (sessionId: string) => Promise<StaffMember[]>

export interface StaffRoom {
  room: string
  password: string
}

const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest()

/**
 * The y-webrtc room and password of a session's staff as it stands: derived from the
 * server secret and the staff list (user ids and roles), so every instance computes the
 * same one, and any change of the list (an accepted invite, a withdrawn role) gives a new
 * room and password. Someone whose role was withdrawn knew only rooms of lists that
 * included them, and never holds that role again, so no later room is one they know.
 * y-webrtc encrypts its signaling with the password; the room name's tag reveals nothing
 * of it.
 */
export function staffRoom(secret: string, sessionId: string, staff: StaffMember[]): StaffRoom {
  const list = staff.map((member) => `${member.userId}:${member.role}`).sort()
  const key = hmac(secret, ['podium:y-webrtc', sessionId, ...list].join('\n'))
  return {
    room: webrtcRoomName(sessionId, hmac(key, 'room').toString('base64url').slice(0, 16)),
    password: hmac(key, 'password').toString('base64url'),
  }
}

/** What may follow `podium-<session>`: a room tag, then maybe a document (`:<anything>`). */
const TOPIC_TAIL = /^\.[A-Za-z0-9_-]{1,43}(?::.{0,64})?$/s

/** Topics a session's staff may use: its rooms and `<room>:<document>`. */
export function topicAllowed(sessionId: string, topic: string): boolean {
  const base = `podium-${sessionId}`
  return topic.startsWith(base) && TOPIC_TAIL.test(topic.slice(base.length))
}

/** GET /api/sessions/:id/webrtc-room: the staff's peer-to-peer room (staff of that session only). */
export function webrtcRoomRoutes(options: {
  secret: string
  standing: StandingCheck
  staff: StaffList
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
        ...staffRoom(options.secret, claims.sid, await options.staff(claims.sid)),
        signalingUrl: `${base}${Y_WEBRTC_PATH}?token=${encodeURIComponent(token)}`,
      }
      return reply.header('cache-control', 'no-store').send(body)
    })
  }
}
