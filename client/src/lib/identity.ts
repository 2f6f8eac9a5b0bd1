import type { Role } from '@podium/shared'
import { ROLES } from '@podium/shared'
import { forgetSummary } from './session-summaries.ts'

/** Who this browser is in one session: kept in localStorage so the room opens offline. */
export interface Identity {
  sessionId: string
  userId: string
  token: string
  role: Role
  name: string | null
}

export type IdentityEvent =
  | { type: 'saved'; identity: Identity }
  | { type: 'forgotten'; sessionId: string }

const KEY_PREFIX = 'podium:identity:'
const CHANNEL_NAME = 'podium:identity'

const keyFor = (sessionId: string) => `${KEY_PREFIX}${sessionId}`

function isIdentity(value: unknown): value is Identity {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.sessionId === 'string' &&
    typeof v.userId === 'string' &&
    typeof v.token === 'string' &&
    typeof v.role === 'string' &&
    (ROLES as readonly string[]).includes(v.role) &&
    (v.name === null || typeof v.name === 'string')
  )
}

function channel(): BroadcastChannel | null {
  return typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL_NAME)
}

function announce(event: IdentityEvent): void {
  const ch = channel()
  if (!ch) return
  ch.postMessage(event)
  ch.close()
}

export function saveIdentity(identity: Identity): void {
  const stored: Identity = {
    sessionId: identity.sessionId,
    userId: identity.userId,
    token: identity.token,
    role: identity.role,
    name: identity.name,
  }
  localStorage.setItem(keyFor(identity.sessionId), JSON.stringify(stored))
  announce({ type: 'saved', identity: stored })
}

export function loadIdentity(sessionId: string): Identity | null {
  const raw = localStorage.getItem(keyFor(sessionId))
  if (!raw) return null
  try {
    const parsed: unknown = JSON.parse(raw)
    return isIdentity(parsed) && parsed.sessionId === sessionId ? parsed : null
  } catch {
    return null
  }
}

/** Forgets this device's access to a session, and what it knew of it. */
export function forgetIdentity(sessionId: string): void {
  localStorage.removeItem(keyFor(sessionId))
  forgetSummary(sessionId)
  announce({ type: 'forgotten', sessionId })
}

/**
 * Calls `fn` when another tab saves or forgets an identity; returns the unsubscribe
 * function. (BroadcastChannel does not deliver a tab's own messages back to it.)
 */
export function onIdentityChange(fn: (event: IdentityEvent) => void): () => void {
  const ch = channel()
  if (!ch) return () => {}
  ch.onmessage = (message: MessageEvent<IdentityEvent>) => fn(message.data)
  return () => ch.close()
}

/** Every identity stored on this device, one per session joined here. */
export function storedIdentities(): Identity[] {
  const found: Identity[] = []
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i)
    if (!key?.startsWith(KEY_PREFIX)) continue
    const identity = loadIdentity(key.slice(KEY_PREFIX.length))
    if (identity) found.push(identity)
  }
  return found
}
