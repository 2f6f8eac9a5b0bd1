import { OUTBOX_LAYOUT } from '@podium/shared'
import * as Y from 'yjs'

/**
 * Why a client's update may not be applied to an outbox, or null when it may: it writes
 * a top-level type or key that an outbox does not have (see OUTBOX_LAYOUT).
 *
 * Only an item that starts a new key carries its parent's name and key in the update; an
 * item that continues a key (a map value written over) names only the item it follows,
 * and takes its parent and key from it. So every key an update adds is named by one of
 * its items, and items nested inside a value (parent given by id) belong to a key that
 * was itself checked.
 */
export function outboxWriteProblem(
  structs: ReturnType<typeof Y.decodeUpdate>['structs'],
): string | null {
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue
    const parent: unknown = struct.parent
    if (typeof parent !== 'string') continue
    if (!Object.hasOwn(OUTBOX_LAYOUT, parent))
      return `an outbox has no top-level "${parent.slice(0, 40)}"`
    const key = struct.parentSub
    if (key === null) return `"${parent}" in an outbox is a map, written here as a list`
    const keys = OUTBOX_LAYOUT[parent]
    if (keys && !keys.includes(key))
      return `an outbox's "${parent}" has no key "${key.slice(0, 40)}"`
  }
  return null
}
