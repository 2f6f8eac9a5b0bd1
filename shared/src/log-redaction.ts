/**
 * What the servers' logs must not keep: tokens travel in URLs (invite links
 * `/i/<token>`, PeerJS's `?token=`, unsubscribe links) and in headers (Authorization,
 * cookies). A log line is read by more people, and kept longer, than the token is
 * meant to live, so each is replaced before the line is written.
 */

export const REDACTED = '[redacted]'

/** Query parameters whose value is a credential. */
const SECRET_PARAMS = new Set([
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'invite',
  'code',
  'state',
  'secret',
  'password',
  'signature',
])

/** Path prefixes whose next segment is a credential: `/i/<invite token>`. */
const SECRET_SEGMENT_AFTER = ['/i/']

/** A JSON Web Token (every Podium token is one) wherever it appears. */
const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]*/g

/** The URL with every credential in its path or query replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf('?')
  let path = queryAt === -1 ? url : url.slice(0, queryAt)
  const query = queryAt === -1 ? '' : url.slice(queryAt + 1)
  for (const prefix of SECRET_SEGMENT_AFTER) {
    if (path.startsWith(prefix) && path.length > prefix.length) {
      const rest = path.slice(prefix.length)
      const end = rest.indexOf('/')
      path = `${prefix}${REDACTED}${end === -1 ? '' : rest.slice(end)}`
    }
  }
  path = path.replace(JWT, REDACTED)
  if (queryAt === -1) return path
  const pairs = query.split('&').map((pair) => {
    const eq = pair.indexOf('=')
    const name = eq === -1 ? pair : pair.slice(0, eq)
    let decoded = name
    try {
      decoded = decodeURIComponent(name)
    } catch {
      // a malformed name is kept as it came
    }
    if (eq !== -1 && SECRET_PARAMS.has(decoded.toLowerCase())) return `${name}=${REDACTED}`
    return pair.replace(JWT, REDACTED)
  })
  return `${path}?${pairs.join('&')}`
}

/** Headers that carry credentials, as pino `redact` paths under `req.headers` and `headers`. */
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie']

export const REDACT_PATHS = SECRET_HEADERS.flatMap((name) => [
  `req.headers["${name}"]`,
  `res.headers["${name}"]`,
  `headers["${name}"]`,
])

/** The request as a log line shows it (Fastify's fields, the URL redacted). */
export interface LoggedRequest {
  method: string
  url: string
  host?: string | undefined
  remoteAddress?: string | undefined
  remotePort?: number | undefined
}

/** What a request offers the serializer (Fastify's request, or anything logged as `req`). */
interface RequestLike {
  method?: unknown
  url?: unknown
  host?: unknown
  ip?: unknown
  socket?: { remotePort?: number | undefined } | null
}

/**
 * Fastify's `req` serializer with the URL redacted and no headers. Something else logged
 * under `req` is kept as it is (its credential headers go by REDACT_PATHS).
 */
export function serializeRequest(request: RequestLike): LoggedRequest | RequestLike {
  if (typeof request?.url !== 'string' || typeof request.method !== 'string') return request
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: typeof request.host === 'string' ? request.host : undefined,
    remoteAddress: typeof request.ip === 'string' ? request.ip : undefined,
    remotePort: request.socket?.remotePort,
  }
}
