import type { FastifyInstance, FastifyRequest } from 'fastify'

/** One year: the HSTS lifetime browsers and preload lists expect. */
const HSTS = 'max-age=31536000'

/**
 * The features the app uses itself (the stage's camera, microphone and screen share);
 * everything else a page could ask for is off, for embedded content too.
 */
const PERMISSIONS_POLICY = [
  'camera=(self)',
  'microphone=(self)',
  'display-capture=(self)',
  'fullscreen=(self)',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'bluetooth=()',
  'browsing-topics=()',
].join(', ')

export interface SecurityHeaderOptions {
  /** The origin the request reached Podium at (PUBLIC_URL, or its Host). */
  origin: (request: FastifyRequest) => string
  /** SIGNALING_URL when y-webrtc signaling runs on another origin. */
  signalingUrl: string | undefined
  /** PUBLIC_URL is https: every response is meant to be read over https. */
  publicHttps: boolean
}

/** `http(s)://host` and the WebSocket origin of the same host. */
function originsOf(url: string): string[] {
  const { protocol, host } = new URL(url)
  const secure = protocol === 'https:' || protocol === 'wss:'
  return [`${secure ? 'https' : 'http'}://${host}`, `${secure ? 'wss' : 'ws'}://${host}`]
}

/**
 * The page may load only its own files; it connects to its own origin (API, `/sync`,
 * `/peerjs`, `/signal`) and to SIGNALING_URL; images and media may also be `data:` and
 * `blob:` (QR codes, camera streams); nobody may frame it.
 */
export function contentSecurityPolicy(connectTo: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "font-src 'self'",
    `connect-src 'self' ${[...new Set(connectTo)].join(' ')}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/**
 * The same headers on every response (pages, files, API), so `npm start` and a reverse
 * proxy in front of it answer alike. HSTS only where the page is read over https: the
 * request came over https (X-Forwarded-Proto with TRUST_PROXY) or PUBLIC_URL is https.
 */
export function securityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): void {
  const signaling = options.signalingUrl ? originsOf(options.signalingUrl) : []
  app.addHook('onRequest', async (request, reply) => {
    reply.headers({
      'content-security-policy': contentSecurityPolicy([
        ...originsOf(options.origin(request)),
        ...signaling,
      ]),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin',
      'permissions-policy': PERMISSIONS_POLICY,
    })
    if (options.publicHttps || request.protocol === 'https') {
      reply.header('strict-transport-security', HSTS)
    }
  })
}
