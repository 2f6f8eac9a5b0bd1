// The part of http_ece (Encrypted Content-Encoding for HTTP, RFC 8188) the push tests use:
// decrypting a web push message as the browser that subscribed would.
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto'

  interface DecryptParams {
    version: 'aes128gcm' | 'aesgcm'
    /** The receiver's key pair (the browser's p256dh). */
    privateKey: ECDH
    /** The subscription's auth secret, base64url. */
    authSecret: string
  }

  const ece: { decrypt(buffer: Buffer, params: DecryptParams): Buffer }
  export default ece
}
