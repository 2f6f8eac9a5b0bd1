/** How deep arrays and objects may nest in a JSON body. No body Podium takes nests more than 5. */
export const MAX_JSON_DEPTH = 32

const OPEN_ARRAY = 0x5b
const OPEN_OBJECT = 0x7b
const CLOSE_ARRAY = 0x5d
const CLOSE_OBJECT = 0x7d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * Finds JSON that nests arrays and objects deeper than `max`, in one pass over its bytes
 * (strings skipped), chunk by chunk as they arrive, before anything is built: JSON.parse
 * of 8 MB of `[` builds four million arrays and held the server's thread for seconds.
 * The bytes it looks for never occur inside a multi-byte UTF-8 character. Malformed
 * JSON is left to the parser to refuse.
 */
export class JsonDepthScan {
  private depth = 0
  private inString = false
  private escaped = false
  /** Set once the nesting went deeper than allowed. */
  tooDeep = false

  constructor(private readonly max = MAX_JSON_DEPTH) {}

  /** Scans the next chunk; returns whether the JSON so far is too deep. */
  push(chunk: Uint8Array): boolean {
    if (this.tooDeep) return true
    for (const c of chunk) {
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === BACKSLASH) this.escaped = true
        else if (c === QUOTE) this.inString = false
      } else if (c === QUOTE) {
        this.inString = true
      } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
        if (++this.depth > this.max) {
          this.tooDeep = true
          return true
        }
      } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
        this.depth--
      }
    }
    return false
  }
}

/** The sentence a body that nests too deep is refused with. */
export function tooDeepDetail(what: string, max = MAX_JSON_DEPTH): string {
  return `The ${what} nests arrays and objects more than ${max} levels deep; nothing Podium accepts is that deep.`
}
