import { normalizeJoinCode } from '@podium/shared'
import { api } from '../lib/api.ts'
import { type Identity, loadIdentity, saveIdentity } from '../lib/identity.ts'

const CODE_PREFIX = 'podium:code:'

/** The identity this device already holds for a join code, so a revisit (or offline reload) skips the form. */
export function identityForCode(code: string): Identity | null {
  const sessionId = localStorage.getItem(CODE_PREFIX + normalizeJoinCode(code))
  return sessionId ? loadIdentity(sessionId) : null
}

/**
 * Joins as a guest, or with `accountToken` as the signed-in account's participant (the
 * same one on every device); an empty name joins anonymously. Throws ApiError.
 */
export async function joinWithCode(
  code: string,
  name: string,
  accountToken: string | null = null,
): Promise<Identity> {
  const normalized = normalizeJoinCode(code)
  const trimmed = name.trim()
  const joined = await api.join(
    { code: normalized, ...(trimmed ? { name: trimmed } : {}) },
    accountToken,
  )
  const identity: Identity = { ...joined }
  saveIdentity(identity)
  localStorage.setItem(CODE_PREFIX + normalized, identity.sessionId)
  return identity
}
