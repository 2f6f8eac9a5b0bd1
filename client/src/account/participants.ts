import { CreateSessionResponse, JoinResponse, type MySession } from '@podium/shared'
import type { AccountAuth } from '../lib/account.ts'
import type { Api } from '../lib/api.ts'
import { type Identity, loadIdentity, saveIdentity, storedIdentities } from '../lib/identity.ts'
import { RENEW_BEFORE_MS, renewParticipant } from '../lib/participant-token.ts'
import { msUntilExpiry, tokenClaims } from '../lib/token-claims.ts'

/**
 * My participant in a session listed on My sessions, with a token this device can use:
 * the one stored here while it has a while to go, else a new one from the account.
 */
export async function participantIn(
  auth: AccountAuth,
  accountId: string,
  session: Pick<MySession, 'id' | 'userId'>,
  api: Api,
): Promise<Identity> {
  const stored = loadIdentity(session.id)
  if (
    stored &&
    stored.userId === session.userId &&
    tokenClaims(stored.token)?.acc === accountId &&
    msUntilExpiry(stored.token) > RENEW_BEFORE_MS
  )
    return stored
  return renewParticipant(auth, session.id, stored, api)
}

/** Identities this device holds as a guest (joined without signing in): what can be claimed. */
export function guestIdentities(): Identity[] {
  return storedIdentities().filter((identity) => tokenClaims(identity.token)?.acc == null)
}

/** Makes a guest participant the account's (POST /api/me/claim); stores the new token. */
export async function claimGuest(auth: AccountAuth, guest: Identity, api: Api): Promise<Identity> {
  const claimed = await api.post(
    '/me/claim',
    { token: guest.token },
    await auth.accessToken(),
    JoinResponse,
  )
  saveIdentity(claimed)
  return claimed
}

/** A new session owned by the account; its host identity is stored on this device. */
export async function createOwnedSession(
  auth: AccountAuth,
  title: string,
  api: Api,
): Promise<Identity> {
  const created = await api.post(
    '/sessions',
    { title },
    await auth.accessToken(),
    CreateSessionResponse,
  )
  return storeHost(created)
}

/** The host identity of a session just made (created, duplicated). */
export function storeHost(created: CreateSessionResponse): Identity {
  const identity: Identity = {
    sessionId: created.id,
    userId: created.hostUserId,
    token: created.hostToken,
    role: 'host',
    name: tokenClaims(created.hostToken)?.name ?? null,
  }
  saveIdentity(identity)
  return identity
}

/**
 * My participant in a session this device holds nothing for, when the account has one
 * (joined on another device): null when signed out, offline, or not in that session.
 */
export async function participantFromAccount(
  auth: AccountAuth,
  sessionId: string,
  api: Api,
): Promise<Identity | null> {
  await auth.start()
  if (auth.state().status !== 'signed-in') return null
  try {
    return await renewParticipant(auth, sessionId, null, api)
  } catch {
    return null
  }
}
