import { type ReactionCounts, ReactionsDoc } from '@podium/shared'
import { type Accessor, batch, createSignal, onCleanup } from 'solid-js'
import type * as Y from 'yjs'

export interface ReactionWindowView {
  second: number
  counts: ReactionCounts
}

export interface ReactionView {
  /** The newest window's counts, and its start (0 before any). */
  latest: Accessor<ReactionWindowView>
  /**
   * What arrived with the last update: every window not shown before, added up, under the
   * newest one's start. Two windows that reach the page together both float up.
   */
  arrived: Accessor<ReactionWindowView>
  totals: Accessor<ReactionCounts>
}

function sum(windows: ReactionWindowView[]): ReactionCounts {
  const out: ReactionCounts = {}
  for (const w of windows)
    for (const [id, n] of Object.entries(w.counts) as Array<[keyof ReactionCounts, number]>)
      out[id] = (out[id] ?? 0) + n
  return out
}

/**
 * The reaction counts of a public document as signals, updated from the `reactions` map
 * alone (the room's `version` leaves those writes out, so nothing else re-derives).
 */
export function watchReactions(doc: Y.Doc): ReactionView {
  const reactions = new ReactionsDoc(doc)
  const read = () => reactions.latest() ?? { second: 0, counts: {} }
  const first = read()
  // Windows counted before the page opened are history, not new reactions to animate.
  let shownUpTo = first.second
  const [latest, setLatest] = createSignal(first)
  const [arrived, setArrived] = createSignal<ReactionWindowView>({ second: 0, counts: {} })
  const [totals, setTotals] = createSignal(reactions.totals())
  const stop = reactions.observe(() => {
    const fresh = reactions.windowsAfter(shownUpTo)
    batch(() => {
      if (fresh.length > 0) {
        shownUpTo = fresh.at(-1)?.second ?? shownUpTo
        setArrived({ second: shownUpTo, counts: sum(fresh) })
      }
      setLatest(read())
      setTotals(reactions.totals())
    })
  })
  onCleanup(stop)
  return { latest, arrived, totals }
}
