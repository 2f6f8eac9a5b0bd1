import { forgetIdentity, storedIdentities } from './identity.ts'
import { tokenClaims } from './token-claims.ts'

/** What wiping this device's copies did, to say it plainly. */
export interface WipeResult {
  databases: number
  caches: number
  identities: number
  /** Databases another open tab still holds: they go when that tab closes. */
  blocked: number
}

/** A database that another tab keeps open is not waited for longer than this. */
const BLOCKED_WAIT_MS = 3_000

/**
 * Removes what this device keeps of the sessions: every IndexedDB database (the stored
 * documents and outboxes), every cache (the offline app shell), and the session tokens
 * of `accountId`'s participants. Guests' tokens stay, so this device can still open
 * sessions it joined without an account.
 */
export async function wipeOfflineData(accountId: string): Promise<WipeResult> {
  const result: WipeResult = { databases: 0, caches: 0, identities: 0, blocked: 0 }
  for (const identity of storedIdentities()) {
    if (tokenClaims(identity.token)?.acc === accountId) {
      forgetIdentity(identity.sessionId)
      result.identities++
    }
  }
  if (typeof indexedDB !== 'undefined' && typeof indexedDB.databases === 'function') {
    const databases = await indexedDB.databases()
    for (const { name } of databases) {
      if (!name) continue
      if (await deleteDatabase(name)) result.databases++
      else result.blocked++
    }
  }
  if (typeof caches !== 'undefined') {
    for (const name of await caches.keys()) if (await caches.delete(name)) result.caches++
  }
  return result
}

function deleteDatabase(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name)
    const timer = setTimeout(() => resolve(false), BLOCKED_WAIT_MS)
    request.onsuccess = () => {
      clearTimeout(timer)
      resolve(true)
    }
    request.onerror = () => {
      clearTimeout(timer)
      resolve(false)
    }
  })
}
