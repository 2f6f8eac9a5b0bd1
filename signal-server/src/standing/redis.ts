import { ID_PATTERN, WITHDRAWN_CHANNEL } from '@podium/shared'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'

/**
 * Listens for withdrawn roles on the channel the sync-servers publish them on, so a
 * signal-server running as its own service closes the user's sockets at once.
 * Resolves once subscribed; the returned function disconnects.
 */
export async function listenForWithdrawals(
  url: string,
  onWithdrawn: (userId: string) => void,
  log: Logger,
): Promise<() => void> {
  const subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  subscriber.on('error', (error) => log.warn({ err: error }, 'redis connection error'))
  subscriber.on('message', (_channel: string, userId: string) => {
    // Only sync-servers publish here; anything else is ignored, not acted on.
    if (!ID_PATTERN.test(userId)) {
      log.warn({ message: userId.slice(0, 80) }, 'ignored a malformed withdrawal')
      return
    }
    onWithdrawn(userId)
  })
  await subscriber.connect()
  await subscriber.subscribe(WITHDRAWN_CHANNEL)
  return () => subscriber.disconnect()
}
