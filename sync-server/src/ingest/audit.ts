import type { AuditEntry } from '@podium/shared'
import * as Y from 'yjs'
import type { ConnectionContext } from '../sync/context.ts'

/** Names for staff changes to question fields, by field and new value. */
function questionAction(key: string, value: unknown): string | null {
  switch (key) {
    case 'pinned':
      return value ? 'pin' : 'unpin'
    case 'answered':
      return value ? 'mark-answered' : 'mark-unanswered'
    case 'status':
      return value === 'hidden' ? 'hide' : value === 'archived' ? 'archive' : 'restore'
    case 'body':
    case 'text':
      return 'edit-question'
    case 'labels':
      return 'label'
    default:
      return null
  }
}

const TOP_LEVEL: Record<string, string> = {
  settings: 'change-settings',
  agenda: 'change-agenda',
  labels: 'change-labels',
}

/**
 * What a staff member's transaction on the public document did, as audit entries.
 * The actor comes from the authenticated connection, not from anything in the document.
 */
export function describeStaffTransaction(
  tr: Y.Transaction,
  context: ConnectionContext,
  now: number,
): AuditEntry[] {
  const actor = { actorId: context.principal.userId, actorName: context.principal.name }
  const entries: AuditEntry[] = []
  const questions = tr.doc.getMap<Y.Map<unknown>>('questions')
  for (const [type, keys] of tr.changed) {
    if ((type as unknown) === questions) {
      const map = questions
      for (const key of keys) {
        if (key === null) continue
        const action = map.has(key) ? 'add-question' : 'delete-question'
        entries.push({ at: now, ...actor, action, targetId: key })
      }
      continue
    }
    if (type instanceof Y.Map && type.parent === questions) {
      // The question's key in `questions` is its id.
      const id = type._item?.parentSub
      for (const key of keys) {
        if (key === null) continue
        const action = questionAction(key, type.get(key))
        if (action)
          entries.push({ at: now, ...actor, action, targetId: typeof id === 'string' ? id : null })
      }
      continue
    }
    const name = topLevelName(tr.doc, type)
    if (name === 'meta' && keys.has('status')) {
      const status = tr.doc.getMap('meta').get('status')
      entries.push({ at: now, ...actor, action: `status-${String(status)}`, targetId: null })
    } else if (name === 'stage') {
      const stage = tr.doc.getMap('stage')
      if (keys.has('spotlightQuestionId')) {
        const id = stage.get('spotlightQuestionId')
        entries.push({
          at: now,
          ...actor,
          action: id ? 'spotlight' : 'clear-spotlight',
          targetId: (id as string) ?? null,
        })
      }
      if (keys.has('currentItemId')) {
        entries.push({
          at: now,
          ...actor,
          action: 'set-current-item',
          targetId: (stage.get('currentItemId') as string) ?? null,
        })
      }
    } else if (name === 'replies') {
      for (const key of keys)
        if (key !== null) entries.push({ at: now, ...actor, action: 'reply', targetId: key })
    } else if (name && TOP_LEVEL[name]) {
      entries.push({ at: now, ...actor, action: TOP_LEVEL[name]!, targetId: null })
    }
  }
  return dedupe(entries)
}

function topLevelName(doc: Y.Doc, type: unknown): string | null {
  for (const [name, value] of doc.share) if ((value as unknown) === type) return name
  return null
}

function dedupe(entries: AuditEntry[]): AuditEntry[] {
  const seen = new Set<string>()
  return entries.filter((e) => {
    const key = `${e.action}:${e.targetId}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
