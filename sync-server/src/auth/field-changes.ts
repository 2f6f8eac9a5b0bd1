import * as Y from 'yjs'

/**
 * One map entry a transaction changed, by path from the document's root (`meta.status`,
 * `questions.<id>.pinned`). `before` and `after` are plain values (undefined: absent), or
 * a Y type for an entry that holds one. An entry inside a map the same transaction
 * created carries `created`: the path of that map, which is undone as a whole.
 */
export interface FieldChange {
  path: string[]
  before: unknown
  after: unknown
  created?: string[]
}

/** An array (the agenda) that a transaction changed: listed for the audit, never guarded. */
export interface ListChange {
  path: string[]
}

/** Where `type` sits in its document: the root's name, then the keys down to it. */
function pathOf(doc: Y.Doc, type: Y.AbstractType<unknown>): string[] | null {
  const item = type._item
  if (item === null) {
    for (const [name, root] of doc.share) if ((root as unknown) === type) return [name]
    return null
  }
  if (typeof item.parentSub !== 'string' || !(item.parent instanceof Y.AbstractType)) return null
  const parent = pathOf(doc, item.parent as Y.AbstractType<unknown>)
  return parent ? [...parent, item.parentSub] : null
}

/**
 * What a transaction changed, entry by entry. Call it while the transaction's observers
 * run (`afterTransaction`): Yjs computes old values only until then.
 */
export function readChanges(tr: Y.Transaction): { fields: FieldChange[]; lists: ListChange[] } {
  const fields: FieldChange[] = []
  const lists: ListChange[] = []
  for (const [type, keys] of tr.changed) {
    const path = pathOf(tr.doc, type as Y.AbstractType<unknown>)
    if (!path) continue
    if (!(type instanceof Y.Map)) {
      lists.push({ path })
      continue
    }
    const event = new Y.YMapEvent(type as Y.Map<unknown>, tr, keys)
    for (const [key, change] of event.changes.keys) {
      const after = type.has(key) ? type.get(key) : undefined
      const before = change.action === 'add' ? undefined : change.oldValue
      if (sameJson(before, after)) continue
      fields.push({ path: [...path, key], before, after })
      // A map created here is new as a whole: everything in it is written by this change.
      if (after instanceof Y.Map) {
        for (const [inner, value] of after.entries()) {
          fields.push({
            path: [...path, key, inner],
            before: undefined,
            after: value,
            created: [...path, key],
          })
        }
      }
    }
  }
  return { fields, lists }
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a instanceof Y.AbstractType || b instanceof Y.AbstractType) return false
  return JSON.stringify(a) === JSON.stringify(b)
}

/** The map at `path`, if there is one. */
function mapAt(doc: Y.Doc, path: readonly string[]): Y.Map<unknown> | null {
  let current: unknown = doc.getMap(path[0]!)
  for (const key of path.slice(1)) {
    if (!(current instanceof Y.Map)) return null
    current = current.get(key)
  }
  return current instanceof Y.Map ? current : null
}

/**
 * Puts back what `refused` changed, in one transaction with `origin`: each entry gets its
 * value from before (or goes, if it was not there), and a map created with a refused
 * entry in it goes whole. Plain values only: an entry that held a Y type before cannot be
 * restored, so FIELD_WRITERS guards none (questions themselves are open to staff).
 */
export function undoChanges(doc: Y.Doc, refused: readonly FieldChange[], origin: unknown): void {
  doc.transact(() => {
    const removed = new Set<string>()
    for (const change of refused) {
      const target = change.created ?? change.path
      const key = target.join('\u0000')
      if (removed.has(key)) continue
      const parent = mapAt(doc, target.slice(0, -1))
      const name = target[target.length - 1]!
      if (!parent) continue
      if (
        change.created ||
        change.before === undefined ||
        change.before instanceof Y.AbstractType
      ) {
        removed.add(key)
        parent.delete(name)
      } else {
        parent.set(name, change.before)
      }
    }
  }, origin)
}
