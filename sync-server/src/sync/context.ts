import type { Access, DocumentAddress, OpenedView, Principal } from '@podium/shared'
import type { DeviceClass } from '../auth/device-label.ts'

/** What a connection carries once the Auth extension has let it in. */
export interface ConnectionContext {
  /** `deviceId`: the signed-in device the token was issued to, if any (see auth/devices.ts). */
  principal: Principal & { name: string | null; deviceId?: string }
  access: Access
  address: DocumentAddress
  /** The class of device it came from (phone, tablet, desktop), for analytics. */
  device?: DeviceClass
  /** What the page that connected shows (`?view=` of the socket), for analytics's openings. */
  view?: OpenedView
}

/** The origin the server uses for its own writes, so hooks can tell them from clients'. */
export const SERVER_ORIGIN = { source: 'local', context: { server: true } } as const

export function isConnectionContext(value: unknown): value is ConnectionContext {
  return typeof value === 'object' && value !== null && 'principal' in value && 'address' in value
}

/** Whether a transaction came from another instance through Redis (extension-redis's origin). */
export function isRedisOrigin(origin: unknown): boolean {
  return (
    typeof origin === 'object' &&
    origin !== null &&
    (origin as { source?: string }).source === 'redis'
  )
}
