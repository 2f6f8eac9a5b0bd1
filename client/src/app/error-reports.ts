import { CLIENT_ERROR_MAX_BYTES, ClientErrorKind, ClientErrorLimits } from '@podium/shared'

/** Reports sent from one page load at most: a loop that throws sends five, not thousands. */
export const MAX_REPORTS = 5

const cut = (text: string, max: number) => (text.length > max ? text.slice(0, max) : text)

/** What an uncaught error or a rejection's reason says, as text. */
function describe(reason: unknown): { message: string; stack?: string } {
  if (reason instanceof Error)
    return {
      message: reason.message || reason.name,
      ...(reason.stack ? { stack: reason.stack } : {}),
    }
  if (typeof reason === 'string') return { message: reason }
  try {
    return { message: JSON.stringify(reason) ?? String(reason) }
  } catch {
    return { message: String(reason) }
  }
}

/**
 * Sends the page's uncaught errors and unhandled rejections to `POST /api/client-errors`,
 * so a crash on a phone is seen by whoever runs the server. The path goes without its
 * query string; the server scrubs the rest. Once per message, at most MAX_REPORTS a page.
 */
export function reportErrors(target: Window = window, send: typeof fetch = fetch.bind(window)) {
  const seen = new Set<string>()
  const report = (kind: ClientErrorKind, reason: unknown) => {
    const { message, stack } = describe(reason)
    if (seen.size >= MAX_REPORTS || seen.has(message)) return
    seen.add(message)
    const body = JSON.stringify({
      kind,
      message: cut(message || 'unknown error', ClientErrorLimits.message),
      ...(stack ? { stack: cut(stack, ClientErrorLimits.stack) } : {}),
      path: cut(target.location.pathname, ClientErrorLimits.path),
    })
    if (body.length > CLIENT_ERROR_MAX_BYTES) return
    send('/api/client-errors', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      keepalive: true,
    }).catch(() => {
      // Offline or the server is away: the report is lost, the page goes on.
    })
  }
  const onError = (event: ErrorEvent) => report(ClientErrorKind.error, event.error ?? event.message)
  const onRejection = (event: PromiseRejectionEvent) =>
    report(ClientErrorKind.rejection, event.reason)
  target.addEventListener('error', onError)
  target.addEventListener('unhandledrejection', onRejection)
  return () => {
    target.removeEventListener('error', onError)
    target.removeEventListener('unhandledrejection', onRejection)
  }
}
