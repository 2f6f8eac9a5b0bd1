import type { Hocuspocus } from '@hocuspocus/server'
import {
  ACCESS_REVOKED,
  CloseCode,
  ID_PATTERN,
  isRole,
  type Role,
  type Standing,
  standingOf,
  WITHDRAWN_CHANNEL,
} from '@podium/shared'
import type { StaffMember } from '@podium/signal-server'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Db } from '../db/connect.ts'
import { isConnectionContext } from '../sync/context.ts'
import type { SessionDirectory } from './sessions-cache.ts'

/**
 * Tokens carry a role and live for hours; the host may withdraw a staff role sooner (by
 * revoking the accepted invite). Staff tokens are therefore checked against the user's
 * row each time they open something; attendees' are not (there is nothing to withdraw,
 * and a join storm should not pay a query per connection for it).
 */
export class StandingDirectory {
  constructor(
    private readonly db: Db,
    private readonly sessions: SessionDirectory,
  ) {}

  async of(holder: { sessionId: string; userId: string; role: Role }): Promise<Standing> {
    if (!(await this.sessions.exists(holder.sessionId))) return 'unknown-session'
    if (holder.role === 'attendee') return standingOf(holder.role, true, undefined)
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

  constructor(
    private readonly hocuspocus: Hocuspocus,
    private readonly redis: Redis | undefined,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    if (!this.redis) return
    this.subscriber = this.redis.duplicate()
    this.subscriber.on('message', (_channel: string, userId: string) => {
      // Only instances publish here; anything else is ignored, not acted on.
      if (!ID_PATTERN.test(userId)) {
        this.log.warn({ message: userId.slice(0, 80) }, 'ignored a malformed withdrawal')
        return
      }
      this.closeHere(userId)
    })
    await this.subscriber.subscribe(WITHDRAWN_CHANNEL)
  }

  /** Calls `fn` with the user id whenever a role is withdrawn (here or on another instance). */
  onWithdrawn(fn: (userId: string) => void): void {
    this.listeners.add(fn)
  }

  async withdraw(userId: string): Promise<void> {
    this.closeHere(userId)
    await this.redis?.publish(WITHDRAWN_CHANNEL, userId)
  }

  private closeHere(userId: string): void {
    closeConnectionsOf(this.hocuspocus, userId)
    for (const listener of this.listeners) listener(userId)
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
  const sockets = new Set<{ close(code?: number, reason?: string): void }>()
  for (const document of hocuspocus.documents.values()) {
    for (const connection of document.getConnections()) {
      const context = connection.context
      if (isConnectionContext(context) && context.principal.userId === userId)
        sockets.add(connection.webSocket)
    }
  }
  for (const socket of sockets) socket.close(CloseCode.forbidden, ACCESS_REVOKED)
}
