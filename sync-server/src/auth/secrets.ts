import { createHash, randomBytes } from 'node:crypto'

/** A random secret for a link or cookie: 32 bytes, URL-safe. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** How a secret is stored: only its SHA-256, so the table alone signs nobody in. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url')
}
