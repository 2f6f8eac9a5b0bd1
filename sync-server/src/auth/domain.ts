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
