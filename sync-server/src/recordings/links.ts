import { createHmac, timingSafeEqual } from 'node:crypto'

/** How long a download link from the list stays valid. */
export const LINK_TTL_MS = 6 * 3_600_000

/**
 * Signed download links: a <video> element and a plain download cannot send the host's
 * Bearer token, so the list hands out links that carry an expiry and an HMAC of the
 * recording id and that expiry (with the token secret) instead of the token itself.
 * The query parameter is `signature`, one the logs redact.
 */
function signature(secret: string, recordingId: string, expires: number): string {
  return createHmac('sha256', secret)
    .update(`recording\n${recordingId}\n${expires}`)
    .digest('base64url')
}

export function signedQuery(secret: string, recordingId: string, now: number): string {
  const expires = now + LINK_TTL_MS
  return `expires=${expires}&signature=${signature(secret, recordingId, expires)}`
}

export function linkValid(
  secret: string,
  recordingId: string,
  expires: number,
  given: string,
  now: number,
): boolean {
  if (!Number.isSafeInteger(expires) || expires < now) return false
  const expected = Buffer.from(signature(secret, recordingId, expires))
  const actual = Buffer.from(given)
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}
