import { createHash, timingSafeEqual } from 'node:crypto'
import { HttpProblem } from './problem.ts'

// Both servers serve /metrics (it names routes, sessions' load and the process' internals)
// and protect it the same way: METRICS_TOKEN as a Bearer token, or this machine only.

/** What of a Fastify request the check reads (so shared does not depend on Fastify). */
export interface MetricsRequest {
  socket: { remoteAddress?: string | undefined }
  /** Behind a trusted proxy, the X-Forwarded-For entries (Fastify's `request.ips`). */
  ips?: string[] | undefined
  headers: { authorization?: string | undefined }
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)
}

/**
 * Every address the request passed through: the socket's peer and, behind a trusted
 * proxy, each X-Forwarded-For entry. A request is from this machine only when all are
 * loopback, so a proxy on the same host does not make the whole internet local.
 */
function hops(request: MetricsRequest): Array<string | undefined> {
  return [request.socket.remoteAddress, ...(request.ips ?? [])]
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected))
}

/**
 * Who may read /metrics: with METRICS_TOKEN, whoever sends it as a Bearer token; without,
 * only requests from this machine. Throws a problem saying what to do otherwise.
 */
export function checkMetricsAccess(request: MetricsRequest, token: string | undefined): void {
  if (token === undefined) {
    if (hops(request).every(isLoopback)) return
    throw HttpProblem.forbidden(
      '/metrics answers only requests from this machine. Set METRICS_TOKEN and send it as "Authorization: Bearer <token>" to scrape it from elsewhere.',
    )
  }
  const header = request.headers.authorization
  const given = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined
  if (given !== undefined && sameSecret(given, token)) return
  throw HttpProblem.unauthorized('Send the METRICS_TOKEN as "Authorization: Bearer <token>".')
}
