import type * as Y from 'yjs'
import type { AgendaItem } from '../schema.ts'

// The agenda is a Y.Array of whole items. Two devices that change it while apart must
// merge: reads keep the first copy of an item, writes change only the items that differ.

/**
 * The agenda in order. Two devices that change the same item while apart each put
 * their version in its place; the first of them is read (the same on every replica).
 */
export function readAgenda(agenda: Y.Array<AgendaItem>): AgendaItem[] {
  const seen = new Set<string>()
  return agenda.toArray().filter((item) => {
    if (seen.has(item.id)) return false
    seen.add(item.id)
    return true
  })
}

/**
 * Makes `agenda` hold `items` by changing only what differs: items that stay as they are
 * are left in place, so edits made elsewhere at the same time (another item renamed, one
 * added) merge with this one instead of the two whole lists being put one after the
 * other. Call it inside a transaction.
 */
export function mergeAgenda(agenda: Y.Array<AgendaItem>, items: AgendaItem[]): void {
  const current = agenda.toArray().map(agendaKey)
  const wanted = items.map(agendaKey)
  const kept = commonSubsequence(current, wanted)
  for (let i = current.length - 1; i >= 0; i--) {
    if (!kept.fromA.has(i)) agenda.delete(i, 1)
  }
  // What remains is the kept items in order; each new item goes in at its index.
  for (let j = 0; j < items.length; j++) {
    if (!kept.fromB.has(j)) agenda.insert(j, [items[j]!])
  }
}

/** An agenda item as a comparable string (field by field, whatever their order in the object). */
const agendaKey = (item: AgendaItem): string =>
  JSON.stringify([item.id, item.title, item.durationSec])

/** A longest common subsequence of `a` and `b`: the indices of its items in each. */
function commonSubsequence(a: string[], b: string[]): { fromA: Set<number>; fromB: Set<number> } {
  const n = a.length
  const m = b.length
  // lengths[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lengths = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i]![j] =
        a[i] === b[j]
          ? lengths[i + 1]![j + 1]! + 1
          : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!)
    }
  }
  const fromA = new Set<number>()
  const fromB = new Set<number>()
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (a[i] === b[j]) {
      fromA.add(i++)
      fromB.add(j++)
    } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) i++
    else j++
  }
  return { fromA, fromB }
}
