/** Branded ids: a SessionId can't be passed where a UserId is expected. */
export type SessionId = string & { readonly __brand: 'SessionId' }
export type UserId = string & { readonly __brand: 'UserId' }
export type QuestionId = string & { readonly __brand: 'QuestionId' }
export type EntryId = string & { readonly __brand: 'EntryId' }

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** A random id of `length` base62 characters (about 95 bits at the default 16). */
export function newId(length = 16): string {
  const bytes = new Uint8Array(length)
  crypto.getRandomValues(bytes)
  let id = ''
  for (const byte of bytes) id += ALPHABET[byte % 62]
  return id
}

/** Ids are URL- and document-name-safe: letters, digits, `-` and `_`. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{6,64}$/

// Join codes avoid characters people confuse when reading them off a screen (0/O, 1/I/L).
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'

export function newJoinCode(length = 6): string {
  const bytes = new Uint8Array(length)
  crypto.getRandomValues(bytes)
  let code = ''
  for (const byte of bytes) code += CODE_ALPHABET[byte % CODE_ALPHABET.length]
  return code
}

/** Codes are typed by people: accept lower case, spaces and dashes. */
export function normalizeJoinCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase()
}
