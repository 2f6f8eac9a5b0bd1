import { JoinResponse } from '@podium/shared'
import type { AccountAuth } from './account.ts'
import { type Api, api as defaultApi } from './api.ts'
import { type Identity, loadIdentity, saveIdentity } from './identity.ts'
import { withTabLock } from './tab-lock.ts'
import { msUntilExpiry, tokenClaims } from './token-claims.ts'

/**
 * Session tokens of a signed-in participant last 15 minutes (a guest's last a month):
 * they are renewed with the account token before they end, and after the server refused
 * one as expired.
 */

/** Renew a session token when less than this is left of it. */
export const RENEW_BEFORE_MS = 2 * 60_000

/** Whether the identity's token was issued to a signed-in account (and so can be renewed). */
export function isAccountBound(identity: Pick<Identity, 'token'>): boolean {
  return tokenClaims(identity.token)?.acc != null
}

/**
 * A fresh token for my participant in `sessionId` (POST /api/me/sessions/<id>/token),
 * stored for every tab. One tab renews at a time; a tab that waited takes the token the
 * other one stored instead of asking again.
 */
export function renewParticipant(
  auth: Pick<AccountAuth, 'accessToken'>,
  sessionId: string,
  known: Identity | null = null,
  api: Api = defaultApi,
): Promise<Identity> {
  return withTabLock(`podium:renew:${sessionId}`, async () => {
    const stored = loadIdentity(sessionId)
    if (
      stored &&
      known &&
      stored.userId === known.userId &&
      stored.token !== known.token &&
      msUntilExpiry(stored.token) > RENEW_BEFORE_MS
    )
      return stored
    const accessToken = await auth.accessToken()
    const fresh = await api.post(
      `/me/sessions/${encodeURIComponent(sessionId)}/token`,
      undefined,
      accessToken,
      JoinResponse,
    )
    saveIdentity(fresh)
    return fresh
  })
}
