import * as Y from 'yjs'
import { STORED_ORIGIN } from '../persistence/extension.ts'

/**
 * Runs `fn` as one transaction with the stored origin and returns the update it made
 * (null when nothing changed). The caller stores the update with its decisions.
 */
export function captureTransaction(doc: Y.Doc, fn: () => void): Uint8Array | null {
  const updates: Uint8Array[] = []
  const listener = (update: Uint8Array, origin: unknown) => {
    if (origin === STORED_ORIGIN) updates.push(update)
  }
  doc.on('update', listener)
  try {
    doc.transact(fn, STORED_ORIGIN)
  } finally {
    doc.off('update', listener)
  }
  if (updates.length === 0) return null
  return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates)
}
