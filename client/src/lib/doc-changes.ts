import { PublicDoc } from '@podium/shared'
import type * as Y from 'yjs'

/** True for a transaction that changed the public document's participant count and nothing else. */
export function onlyPresence(transaction: Y.Transaction): boolean {
  const presence = transaction.doc.share.get(PublicDoc.PRESENCE)
  return (
    presence !== undefined && [...transaction.changed.keys()].every((type) => type === presence)
  )
}

/**
 * Calls `onPresence` for a change of the participant count alone, `onChange` for any
 * other change (local, remote or loaded), nothing for a transaction that changed nothing.
 * The count is written up to once a second in a busy session; views that do not show it
 * (a long question list: 100-200 ms to re-derive at 5,000 questions on a phone) skip it.
 */
export function watchChanges(
  doc: Y.Doc,
  on: { onChange: () => void; onPresence: () => void },
): () => void {
  const handler = (transaction: Y.Transaction) => {
    if (transaction.changed.size === 0) return
    if (onlyPresence(transaction)) on.onPresence()
    else on.onChange()
  }
  doc.on('afterTransaction', handler)
  return () => doc.off('afterTransaction', handler)
}
