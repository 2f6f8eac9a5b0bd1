// A push service on this machine for tests: https with its own certificate, it takes Web
// Push requests (RFC 8030) as Google's or Mozilla's would, checks their VAPID signature
// (RFC 8292), and answers with the status a test asks for. It also plays the browser's
// side where a test needs it: the subscription's keys, and decrypting (RFC 8291) with them.
import { createECDH, createPublicKey, type ECDH, randomBytes, verify } from 'node:crypto'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import ece from 'http_ece'
import { generate } from 'selfsigned'

export interface PushReceived {
  path: string
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  /** Why the VAPID header does not hold, or null when it does. */
  vapidProblem: string | null
}

export interface PushServiceOptions {
  /** The status to answer, per path, in turn (201 when none is left). */
  answers?: Record<string, number[]>
  /** Told of each message after it is answered 201 (a browser's delivery, say). */
  delivered?: (message: PushReceived) => void | Promise<void>
}

/** Checks `Authorization: vapid t=<JWT>, k=<key>`: an ES256 JWT for this origin, not expired. */
export function vapidProblem(header: string | undefined, origin: string, now = Date.now()) {
  const match = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(header ?? '')
  if (!match) return 'no vapid authorization'
  const [, head, body, signature, key] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ]
  const raw = Buffer.from(key, 'base64url')
  if (raw.length !== 65 || raw[0] !== 4) return 'k is not an uncompressed P-256 key'
  const publicKey = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  })
  const signed = verify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  )
  if (!signed) return 'the signature does not hold for k'
  const header0 = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'))
  if (header0.alg !== 'ES256') return `alg is ${header0.alg}`
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  if (claims.aud !== origin) return `aud is ${claims.aud}, not ${origin}`
  const seconds = now / 1000
  if (!(claims.exp > seconds && claims.exp <= seconds + 24 * 3600)) return 'exp is not within 24 h'
  if (!/^(mailto:|https:)/.test(String(claims.sub))) return 'sub is not mailto: or https:'
  return null
}

/** A push service: records what it gets; `answers` gives the status per path, in turn. */
export async function startPushService(options: PushServiceOptions = {}) {
  const answers = options.answers ?? {}
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  })
  const received: PushReceived[] = []
  let origin = ''
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const path = req.url ?? ''
      const message: PushReceived = {
        path,
        headers: req.headers,
        body: Buffer.concat(chunks),
        vapidProblem: vapidProblem(req.headers.authorization, origin),
      }
      received.push(message)
      const status = message.vapidProblem ? 401 : (answers[path]?.shift() ?? 201)
      if (status === 429) res.setHeader('retry-after', '1')
      res.writeHead(status).end(status >= 400 ? (message.vapidProblem ?? 'no') : '')
      if (status === 201) void options.delivered?.(message)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  origin = `https://127.0.0.1:${port}`
  return {
    url: origin,
    ca: pems.cert,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

export type PushService = Awaited<ReturnType<typeof startPushService>>

/** What a browser keeps for a subscription: its key pair and auth secret. */
export function browserKeys() {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  const auth = randomBytes(16)
  return {
    ecdh,
    auth,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
  }
}

/** Decrypts a message's body as the subscribed browser would (aes128gcm). */
export function decryptPush(body: Buffer, browser: { ecdh: ECDH; auth: Buffer }): string {
  return ece
    .decrypt(body, {
      version: 'aes128gcm',
      privateKey: browser.ecdh,
      authSecret: browser.auth.toString('base64url'),
    })
    .toString('utf8')
}
