import { type ReactionCounts, ReactionsDoc } from '@podium/shared'
import { type Accessor, createSignal, onCleanup } from 'solid-js'
import type * as Y from 'yjs'

export interface ReactionView {
  /** The newest window's counts, and its start (0 before any). */
  latest: Accessor<{ second: number; counts: ReactionCounts }>
  totals: Accessor<ReactionCounts>
}

/**
 * The reaction counts of a public document as signals, updated from the `reactions` map
 * alone (the room's `version` leaves those writes out, so nothing else re-derives).
 */
export function watchReactions(doc: Y.Doc): ReactionView {
  const reactions = new ReactionsDoc(doc)
  const read = () => reactions.latest() ?? { second: 0, counts: {} }
  const [latest, setLatest] = createSignal(read())
  const [totals, setTotals] = createSignal(reactions.totals())
  const stop = reactions.observe(() => {
    setLatest(read())
    setTotals(reactions.totals())
  })
  onCleanup(stop)
  return { latest, totals }
}
