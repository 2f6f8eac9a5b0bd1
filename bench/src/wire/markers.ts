/**
 * A published question carries its sequence number and publish time in its id
 * (`PdBm<seq>_<micros>`, which is a valid Podium id). Receivers find ids in the raw
 * update bytes, where Yjs writes map keys and strings as plain UTF-8, so a
 * simulated client can time every arrival without decoding the update.
 */
const PREFIX = 'PdBm'
const PREFIX_BYTES = Buffer.from(PREFIX, 'latin1')
const ZERO = 0x30
const NINE = 0x39
const UNDERSCORE = 0x5f

/** Wall-clock time in microseconds, comparable across processes on one machine. */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000)
}

export function markerId(seq: number, micros: number): string {
  return `${PREFIX}${seq}_${micros}`
}

export interface Marker {
  seq: number
  micros: number
}

/** Calls `found` for every marker in `bytes` (an id may appear more than once). */
export function scanMarkers(bytes: Buffer, found: (seq: number, micros: number) => void): void {
  let at = bytes.indexOf(PREFIX_BYTES)
  while (at !== -1) {
    let i = at + PREFIX_BYTES.length
    let seq = 0
    let digits = 0
    while (i < bytes.length && bytes[i]! >= ZERO && bytes[i]! <= NINE) {
      seq = seq * 10 + (bytes[i]! - ZERO)
      i++
      digits++
    }
    if (digits > 0 && bytes[i] === UNDERSCORE) {
      i++
      let micros = 0
      let timeDigits = 0
      while (i < bytes.length && bytes[i]! >= ZERO && bytes[i]! <= NINE && timeDigits < 17) {
        micros = micros * 10 + (bytes[i]! - ZERO)
        i++
        timeDigits++
      }
      if (timeDigits >= 13) found(seq, micros)
    }
    at = bytes.indexOf(PREFIX_BYTES, i)
  }
}
