import type * as Y from 'yjs'

/** Reads a Y.Map of plain fields into an object (Y types inside are converted to JSON). */
export function readMap<T>(map: Y.Map<unknown>): T {
  return map.toJSON() as T
}

/** Writes only the fields that changed, so concurrent edits of other fields merge. */
export function writeFields(map: Y.Map<unknown>, fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue
    if (!sameValue(map.get(key), value)) map.set(key, value)
  }
}

/** Equal as stored: the same value, or objects with the same JSON. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  return JSON.stringify(a) === JSON.stringify(b)
}

/** Runs `fn` in one transaction (one update, one broadcast) unless already inside one. */
export function transact(doc: Y.Doc, fn: () => void, origin?: unknown): void {
  doc.transact(fn, origin)
}
