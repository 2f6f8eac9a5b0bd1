import { type Role, SessionInfo, type SessionStatus } from '@podium/shared'
import type { AccountAuth } from '../lib/account.ts'
import { type Api, ApiError } from '../lib/api.ts'
import { type Identity, storedIdentities } from '../lib/identity.ts'
import { isAccountBound, RENEW_BEFORE_MS, renewParticipant } from '../lib/participant-token.ts'
import { loadSummary, rememberSummary, type SessionSummary } from '../lib/session-summaries.ts'
import { msUntilExpiry } from '../lib/token-claims.ts'

/**
 * The sessions this device holds an identity for (hosted, staffed, attended), as the start
 * page lists them: each with what the server says of it now, or what this device last
 * knew when the server cannot be asked.
 */

/** What is known of a listed session's state. */
export type SessionState =
  /** Asking the server; the last state this device saw meanwhile, if any. */
  | { kind: 'checking'; status: SessionStatus | null }
  /** The server answered just now. */
  | { kind: 'current'; status: SessionStatus }
  /** The server could not be reached: the last state this device saw, if any. */
  | { kind: 'offline'; status: SessionStatus | null; checkedAt: number | null }
  /** The server says it no longer exists. */
  | { kind: 'deleted' }
  /** The server refused this device's token: why, in its words. */
  | { kind: 'no-access'; detail: string }

export interface DeviceSession {
  /** The session's id (what a row is keyed by). */
  id: string
  identity: Identity
  /** The last title and code this device saw; null if it never saw them. */
  summary: SessionSummary | null
  state: SessionState
}

const ROLE_ORDER: Record<Role, number> = { host: 0, presenter: 1, moderator: 2, attendee: 3 }

/** Hosted first, then staffed, then attended; by title within each. */
export function byRoleThenTitle(a: DeviceSession, b: DeviceSession): number {
  return (
    ROLE_ORDER[a.identity.role] - ROLE_ORDER[b.identity.role] ||
    (a.summary?.title ?? '').localeCompare(b.summary?.title ?? '')
  )
}

/** The device's sessions with what is stored of them, before the server is asked. */
export function storedSessions(): DeviceSession[] {
  return storedIdentities()
    .map((identity) => {
      const summary = loadSummary(identity.sessionId)
      const state: SessionState = { kind: 'checking', status: summary?.status ?? null }
      return { id: identity.sessionId, identity, summary, state }
    })
    .sort(byRoleThenTitle)
}

/**
 * Asks the server for one session's state with this device's token (renewed first through
 * the account when it was issued signed in and is about to end), and remembers the answer.
 */
export async function checkSession(
  known: DeviceSession,
  api: Api,
  auth: Pick<AccountAuth, 'accessToken' | 'state'>,
  now: () => number = Date.now,
): Promise<DeviceSession> {
  let identity = known.identity
  if (
    isAccountBound(identity) &&
    msUntilExpiry(identity.token) < RENEW_BEFORE_MS &&
    auth.state().status === 'signed-in'
  ) {
    identity = await renewParticipant(auth, identity.sessionId, identity, api).catch(() => identity)
  }
  try {
    const info = await api.get(
      `/sessions/${encodeURIComponent(identity.sessionId)}`,
      identity.token,
      SessionInfo,
    )
    const summary: SessionSummary = {
      title: info.title,
      code: info.code,
      status: info.status,
      checkedAt: now(),
    }
    rememberSummary(identity.sessionId, summary)
    return { ...known, identity, summary, state: { kind: 'current', status: info.status } }
  } catch (error) {
    if (error instanceof ApiError && error.status === 404)
      return { ...known, identity, state: { kind: 'deleted' } }
    if (error instanceof ApiError && (error.status === 401 || error.status === 403))
      return { ...known, identity, state: { kind: 'no-access', detail: error.message } }
    // Unreachable, or an answer that says nothing of the session: what was seen last.
    const offline: SessionState = {
      kind: 'offline',
      status: known.summary?.status ?? null,
      checkedAt: known.summary?.checkedAt ?? null,
    }
    return { ...known, identity, state: offline }
  }
}
