import type { IncomingMessage } from 'node:http'

/** How long a refused request's body may keep coming after the answer went out. */
export const DISCARD_MS = 2_000

/**
 * A request refused before its body was read (no token, rate-limited, too large): Node
 * reads the rest of the body and throws it away unparsed once the answer is sent, so the
 * client sees the answer. Closing at once instead would make the kernel reset the
 * connection over the unread bytes, and the client lose the answer in flight. A body that
 * is still coming after DISCARD_MS is cut off.
 */
export function limitDiscard(request: IncomingMessage): void {
  if (request.complete) return
  const timer = setTimeout(() => {
    if (!request.complete) request.socket.destroy()
  }, DISCARD_MS)
  timer.unref()
  request.once('end', () => clearTimeout(timer))
  request.once('close', () => clearTimeout(timer))
}
