import type { Redis as RedisExtension } from '@hocuspocus/extension-redis'
import { type Hocuspocus, IncomingMessage } from '@hocuspocus/server'
import { whenReleased } from './hold.ts'

type Listener = (channel: Buffer, data: Buffer) => Promise<void>

/** What of the Redis extension this reaches into (private in its types). */
interface RedisInternals {
  sub: { on(event: string, fn: Listener): void; off(event: string, fn: Listener): void }
  handleIncomingMessage: Listener
  decodeMessage(data: Buffer): [string, Uint8Array]
}

/**
 * Another instance's message about a document this instance holds back (hold.ts) waits
 * for the release. Its answer would otherwise carry the tick's changes before they are
 * stored: a SyncStep1 from another instance is answered with everything that instance
 * lacks, held changes included, and a crash before the store would leave the other
 * instance (and its clients) with receipts and tallies this one never stored. Messages of
 * a document keep their order; those of documents not held go through at once.
 */
export function holdRedisReplies(extension: RedisExtension, instance: () => Hocuspocus): void {
  const redis = extension as unknown as RedisInternals
  const handle = redis.handleIncomingMessage
  const waiting = new Map<string, Promise<void>>()
  const listener: Listener = async (channel, data) => {
    let name: string
    try {
      const [, message] = redis.decodeMessage(data)
      name = new IncomingMessage(message).readVarString()
    } catch {
      // Not ours to judge: the extension drops what it cannot read.
      return handle(channel, data)
    }
    const queued = waiting.get(name)
    const doc = instance().documents.get(name)
    const released = doc ? whenReleased(doc) : null
    if (!queued && !released) return handle(channel, data)
    const next = (queued ?? Promise.resolve())
      .then(async () => {
        // Held again meanwhile (the next tick): wait for that release too.
        for (let r = doc && whenReleased(doc); r; r = doc && whenReleased(doc)) await r
      })
      .then(() => handle(channel, data))
      .catch(() => undefined)
      .finally(() => {
        if (waiting.get(name) === next) waiting.delete(name)
      })
    waiting.set(name, next)
    return next
  }
  redis.sub.off('messageBuffer', handle)
  redis.sub.on('messageBuffer', listener)
}
