import type { SessionId, UserId } from './ids.ts'
import { ID_PATTERN } from './ids.ts'
import type { Role } from './roles.ts'

/** Bumped when the document schema or outbox entry shapes change incompatibly. */
export const PROTOCOL_VERSION = 2

/** WebSocket close codes Podium uses besides Hocuspocus' own (4000-4499 range is ours). */
export const CloseCode = {
  /** A frame could not be decoded or broke the protocol. */
  badFrame: 4400,
  /** A frame was larger than the server accepts. */
  frameTooLarge: 4413,
  /** The client sent frames faster than its rate allows. */
  rateLimited: 4429,
  /** The token is missing, expired or forged. */
  unauthorized: 4401,
  /** The token is valid but the role may not open this document. */
  forbidden: 4403,
  /** The session does not exist. */
  notFound: 4404,
  /** The instance is shutting down: reconnect (a proxy sends the new socket to another one). */
  restarting: 4503,
} as const
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]

/** Whether a token's holder may still use it: `ok`, or why not (see sync-server's StandingDirectory). */
export type Standing = 'ok' | 'unknown-session' | 'revoked'

/**
 * The standing rule the sync-server and signal-server both apply: a token stands while
 * its session exists, and a staff token while the user's row still has the token's role
 * (revoking an accepted invite turns the row into an attendee's). `userRole` is the row's
 * role, undefined when there is no row; attendees' rows are not looked up.
 */
export function standingOf(
  tokenRole: Role,
  sessionExists: boolean,
  userRole: string | undefined,
): Standing {
  if (!sessionExists) return 'unknown-session'
  if (tokenRole === 'attendee') return 'ok'
  return userRole === tokenRole ? 'ok' : 'revoked'
}

/** The refusal reason for a staff token whose role the host withdrew (sync socket and PeerJS). */
export const ACCESS_REVOKED = 'access-revoked'

/**
 * The Redis channel on which a withdrawn role is announced (the message is the user id):
 * every sync-server and signal-server closes that user's sockets.
 */
export const WITHDRAWN_CHANNEL = 'podium:withdrawn'

/** The refusal reason for a token of a device that was signed out (or whose account is gone). */
export const SIGNED_OUT = 'signed-out'

/**
 * The Redis channel on which a signed-out device is announced (the message is the device
 * id): every sync-server closes the sockets opened with that device's tokens.
 */
export const SIGNED_OUT_CHANNEL = 'podium:signed-out'

export const DocumentKind = { public: 'public', mod: 'mod', outbox: 'outbox' } as const
export type DocumentKind = (typeof DocumentKind)[keyof typeof DocumentKind]

export type DocumentAddress =
  | { kind: 'public'; sessionId: SessionId }
  | { kind: 'mod'; sessionId: SessionId }
  | { kind: 'outbox'; sessionId: SessionId; userId: UserId }

export const documentName = {
  public: (sessionId: string) => `session/${sessionId}`,
  mod: (sessionId: string) => `session/${sessionId}/mod`,
  outbox: (sessionId: string, userId: string) => `session/${sessionId}/user/${userId}`,
}

/** Parses `session/<id>`, `session/<id>/mod`, `session/<id>/user/<userId>`; anything else is null. */
export function parseDocumentName(name: string): DocumentAddress | null {
  const parts = name.split('/')
  if (parts[0] !== 'session' || !parts[1] || !ID_PATTERN.test(parts[1])) return null
  const sessionId = parts[1] as SessionId
  if (parts.length === 2) return { kind: 'public', sessionId }
  if (parts.length === 3 && parts[2] === 'mod') return { kind: 'mod', sessionId }
  if (parts.length === 4 && parts[2] === 'user' && parts[3] && ID_PATTERN.test(parts[3])) {
    return { kind: 'outbox', sessionId, userId: parts[3] as UserId }
  }
  return null
}
