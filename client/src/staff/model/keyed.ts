import { type Accessor, createMemo } from 'solid-js'

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i])

/**
 * Lists re-read from a document are new objects on every change. Rendering from the
 * ids (stable strings) and looking rows up by id keeps each row's DOM, focus and
 * local state while other parts of the document change.
 */
export function keyedList<T extends { id: string }>(
  list: Accessor<readonly T[]>,
): { ids: Accessor<string[]>; byId: Accessor<Map<string, T>> } {
  const ids = createMemo(() => list().map((item) => item.id), [], { equals: sameIds })
  const byId = createMemo(() => new Map(list().map((item) => [item.id, item])))
  return { ids, byId }
}
