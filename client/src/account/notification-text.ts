import type { NotificationChannel } from '@podium/shared'

/** How the account page names each channel. */
export function channelLabel(channel: NotificationChannel): string {
  switch (channel) {
    case 'email':
      return 'E-mail'
    case 'push':
      return 'Browser'
    case 'sms':
      return 'SMS'
    default: {
      const unknown: never = channel
      throw new Error(`unknown channel ${String(unknown)}`)
    }
  }
}
