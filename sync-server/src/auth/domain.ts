import type { Db } from '../db/connect.ts'
import type { Accounts } from './accounts.ts'
import type { Devices } from './devices.ts'
import type { EmailLinks } from './email-links.ts'
import type { Providers } from './providers.ts'
import type { Withdrawals } from './standing.ts'

/** Accounts and signing in, as the routes use them (built in app.ts). */
export interface AuthDomain {
  accounts: Accounts
  devices: Devices
  links: EmailLinks
  providers: Providers
}

/** Signs a device out everywhere: its tokens stop working and its open sockets close. */
export async function signOutDevice(
  auth: Pick<AuthDomain, 'devices'>,
  withdrawals: Pick<Withdrawals, 'signOut'>,
  deviceId: string,
  reason: 'signed-out' | 'removed' | 'replayed' | 'account-deleted',
): Promise<void> {
  await auth.devices.revoke(deviceId, reason)
  await withdrawals.signOut(deviceId)
}

/** How often ended refresh tokens, used links and abandoned provider sign-ins are removed. */
export const SWEEP_MS = 60 * 60_000

/**
 * Removes what can no longer sign anyone in: refresh tokens past their end (used ones
 * are kept until then, to recognise a replay), links past their use, and provider
 * sign-ins never completed.
 */
export async function sweepSignIns(
  auth: Pick<AuthDomain, 'devices' | 'links'>,
  db: Db,
  now = Date.now(),
): Promise<void> {
  await auth.devices.sweep()
  await auth.links.sweep()
  await db.kysely.deleteFrom('auth_requests').where('expires_at', '<=', now).execute()
}
