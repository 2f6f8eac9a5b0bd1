import { type Accessor, createEffect, createSignal, on, untrack } from 'solid-js'
import type * as Y from 'yjs'
import type { ConnectionStatus } from '../../lib/connection-status.ts'

/**
 * Counts the changes staff make to the shared documents while the sync server is out
 * of reach. They are kept on this device and sent when the connection returns, at
 * which point the count starts again from zero.
 */
export function createOfflineEdits(
  docs: readonly Y.Doc[],
  status: Accessor<ConnectionStatus>,
): { count: Accessor<number>; dispose(): void } {
  const [count, setCount] = createSignal(0)
  const onUpdate = (_update: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
    if (tr.local && untrack(status) !== 'online') setCount((n) => n + 1)
  }
  for (const doc of docs) doc.on('update', onUpdate)
  createEffect(
    on(status, (now) => {
      if (now === 'online') setCount(0)
    }),
  )
  return {
    count,
    dispose() {
      for (const doc of docs) doc.off('update', onUpdate)
    },
  }
}
