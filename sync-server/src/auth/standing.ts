import type { Hocuspocus } from '@hocuspocus/server'
import {
  ACCESS_REVOKED,
  CloseCode,
  ID_PATTERN,
  isRole,
  type Role,
  SIGNED_OUT,
  SIGNED_OUT_CHANNEL,
  type Standing,
  standingOf,
  WITHDRAWN_CHANNEL,
} from '@podium/shared'
import type { StaffMember } from '@podium/signal-server'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Db } from '../db/connect.ts'
import { type ConnectionContext, isConnectionContext } from '../sync/context.ts'
import type { SessionDirectory } from './sessions-cache.ts'

/**
 * Tokens carry a role and live for hours; the host may withdraw a staff role sooner (by
 * revoking the accepted invite). Staff tokens are therefore checked against the user's
 * row each time they open something; attendees' are not (there is nothing to withdraw,
 * and a join storm should not pay a query per connection for it).
 */
export class StandingDirectory {
  /** Whether an attendee still holds what admits them (a paid session's ticket). */
  attendeeCheck: ((sessionId: string, userId: string) => Promise<boolean>) | undefined

  constructor(
    private readonly db: Db,
    private readonly sessions: SessionDirectory,
  ) {}

  async of(holder: { sessionId: string; userId: string; role: Role }): Promise<Standing> {
    if (!(await this.sessions.exists(holder.sessionId))) return 'unknown-session'
    if (holder.role === 'attendee') {
      const holds = (await this.attendeeCheck?.(holder.sessionId, holder.userId)) ?? true
      return holds ? standingOf(holder.role, true, undefined) : 'revoked'
    }
    const row = await this.db.kysely
      .selectFrom('users')
      .select('role')
      .where('id', '=', holder.userId)
      .where('session_id', '=', holder.sessionId)
      .executeTakeFirst()
    return standingOf(holder.role, true, row?.role)
  }

  /** Who holds a staff role in the session (the y-webrtc room is derived from it). */
  async staff(sessionId: string): Promise<StaffMember[]> {
    const rows = await this.db.kysely
      .selectFrom('users')
      .select(['id', 'role'])
      .where('session_id', '=', sessionId)
      .where('role', '!=', 'attendee')
      .execute()
    return rows.flatMap((row) => (isRole(row.role) ? [{ userId: row.id, role: row.role }] : []))
  }
}

/**
 * A withdrawn role takes effect on open connections too: this instance closes the user's
 * connections at once, and tells the other instances (through Redis, when scaled out) to
 * close theirs. The client reconnects, is refused with ACCESS_REVOKED, and says why.
 * Others with sockets of their own (the mounted signaling) listen with `onWithdrawn`.
 */
export class Withdrawals {
  private subscriber: Redis | undefined
  private readonly listeners = new Set<(userId: string) => void>()
  private readonly signOutListeners = new Set<(deviceId: string) => void>()

  constructor(
    private readonly hocuspocus: Hocuspocus,
    private readonly redis: Redis | undefined,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    if (!this.redis) return
    this.subscriber = this.redis.duplicate()
    this.subscriber.on('message', (channel: string, id: string) => {
      // Only instances publish here; anything else is ignored, not acted on.
      if (!ID_PATTERN.test(id)) {
        this.log.warn({ channel, message: id.slice(0, 80) }, 'ignored a malformed message')
        return
      }
      if (channel === SIGNED_OUT_CHANNEL) this.signOutHere(id)
      else this.closeHere(id)
    })
    await this.subscriber.subscribe(WITHDRAWN_CHANNEL, SIGNED_OUT_CHANNEL)
  }

  /** Calls `fn` with the user id whenever a role is withdrawn (here or on another instance). */
  onWithdrawn(fn: (userId: string) => void): void {
    this.listeners.add(fn)
  }

  /** Calls `fn` with the device id whenever a device is signed out (here or elsewhere). */
  onSignedOut(fn: (deviceId: string) => void): void {
    this.signOutListeners.add(fn)
  }

  async withdraw(userId: string): Promise<void> {
    this.closeHere(userId)
    await this.redis?.publish(WITHDRAWN_CHANNEL, userId)
  }

  /** Closes, on every instance, the sockets opened with tokens issued to a signed-out device. */
  async signOut(deviceId: string): Promise<void> {
    this.signOutHere(deviceId)
    await this.redis?.publish(SIGNED_OUT_CHANNEL, deviceId)
  }

  private closeHere(userId: string): void {
    closeSockets(
      this.hocuspocus,
      (principal) => principal.userId === userId,
      CloseCode.forbidden,
      ACCESS_REVOKED,
    )
    for (const listener of this.listeners) listener(userId)
  }

  private signOutHere(deviceId: string): void {
    closeSockets(
      this.hocuspocus,
      (principal) => principal.deviceId === deviceId,
      CloseCode.unauthorized,
      SIGNED_OUT,
    )
    for (const listener of this.signOutListeners) listener(deviceId)
  }

  stop(): void {
    this.subscriber?.disconnect()
  }
}

/**
 * Closes the sockets this instance holds of one user. The whole socket, not one
 * document's connection: a provider told only that a document closed does not
 * authenticate again, while a reconnecting socket does, and hears ACCESS_REVOKED.
 */
export function closeConnectionsOf(hocuspocus: Hocuspocus, userId: string): void {
  closeSockets(
    hocuspocus,
    (principal) => principal.userId === userId,
    CloseCode.forbidden,
    ACCESS_REVOKED,
  )
}

function closeSockets(
  hocuspocus: Hocuspocus,
  whose: (principal: ConnectionContext['principal']) => boolean,
  code: number,
  reason: string,
): void {
  const sockets = new Set<{ close(code?: number, reason?: string): void }>()
  for (const document of hocuspocus.documents.values()) {
    for (const connection of document.getConnections()) {
      const context = connection.context
      if (isConnectionContext(context) && whose(context.principal))
        sockets.add(connection.webSocket)
    }
  }
  for (const socket of sockets) socket.close(code, reason)
}
