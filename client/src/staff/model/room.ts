import type { Actor, ModDoc, PublicDoc } from '@podium/shared'
import type { Accessor } from 'solid-js'
import type { SessionConnection } from '../../lib/session.ts'

/**
 * What the staff screens need from a session: the two documents staff write, a
 * version signal to re-derive views from, and the server's clock. The views take
 * this rather than a whole connection, so tests can hand them plain Y.Docs.
 */
export interface StaffRoom {
  sessionId: string
  /** The newest token (a signed-in participant's is renewed while the console is open). */
  readonly token: string
  actor: Actor
  pub: PublicDoc
  mod: ModDoc
  /** Bumps on every change of either document but the participant count's alone. */
  version: Accessor<number>
  /** Bumps when the participant count may have changed. */
  presence: Accessor<number>
  serverNow(): number
}

/** A staff room over a live connection; null when the connection has no moderators' document. */
export function roomFromConnection(conn: SessionConnection): StaffRoom | null {
  if (!conn.mod) return null
  return {
    sessionId: conn.identity.sessionId,
    get token() {
      return conn.identity.token
    },
    actor: { userId: conn.identity.userId, name: conn.identity.name, role: conn.identity.role },
    pub: conn.public,
    mod: conn.mod,
    version: conn.version,
    presence: conn.presence,
    serverNow: () => conn.serverNow(),
  }
}

/** Reads a value from the documents so that it is re-read whenever they change. */
export function tracked<T>(room: Pick<StaffRoom, 'version'>, read: () => T): T {
  room.version()
  return read()
}
