import type { AuditEntry } from '@podium/shared'
import type { FieldChange, ListChange } from '../auth/field-changes.ts'
import type { ConnectionContext } from '../sync/context.ts'

/** Names for staff changes to a question's fields, by field and new value. */
function questionAction(key: string, value: unknown): string | null {
  switch (key) {
    case 'pinned':
      return value ? 'pin' : 'unpin'
    case 'answered':
      return value ? 'mark-answered' : 'mark-unanswered'
    case 'status':
      return value === 'hidden' ? 'hide' : value === 'archived' ? 'archive' : 'restore'
    case 'labels':
      return 'label'
    case 'body':
    case 'text':
      return 'edit-question'
    default:
      return null
  }
}

/** A poll created, deleted, opened, closed or edited (polls are plain values, written whole). */
function pollAction(change: FieldChange): string {
  if (change.after === undefined) return 'delete-poll'
  if (change.before === undefined) return 'create-poll'
  const before = (change.before as { status?: unknown }).status
  const after = (change.after as { status?: unknown }).status
  if (before !== after && typeof after === 'string') return `poll-${after}`
  return 'edit-poll'
}

function replyAction(change: FieldChange): string {
  if (change.after === undefined) return 'delete-reply'
  if (change.before === undefined) return 'reply'
  const hidden = (change.after as { hidden?: unknown }).hidden
  return hidden ? 'hide-reply' : 'show-reply'
}

/** The action and target of one applied change, or null for changes the log leaves out. */
function describeField(change: FieldChange): { action: string; targetId: string | null } | null {
  const [root, key, field] = change.path
  if (change.created) return null
  switch (root) {
    case 'questions':
      if (field !== undefined) {
        const action = questionAction(field, change.after)
        return action ? { action, targetId: key ?? null } : null
      }
      return {
        action: change.after === undefined ? 'delete-question' : 'add-question',
        targetId: key ?? null,
      }
    case 'meta':
      return key === 'status' ? { action: `status-${String(change.after)}`, targetId: null } : null
    case 'settings':
      return { action: 'change-settings', targetId: null }
    case 'stage':
      if (key === 'spotlightQuestionId') {
        const id = typeof change.after === 'string' ? change.after : null
        return { action: id ? 'spotlight' : 'clear-spotlight', targetId: id }
      }
      if (key === 'currentItemId') {
        const id = typeof change.after === 'string' ? change.after : null
        return { action: 'set-current-item', targetId: id }
      }
      return null
    case 'replies':
      return { action: replyAction(change), targetId: key ?? null }
    case 'labels':
      return { action: 'change-labels', targetId: null }
    case 'polls':
      return { action: pollAction(change), targetId: key ?? null }
    default:
      return null
  }
}

/**
 * What a staff connection's transaction on the public document did, as audit entries: the
 * changes that stood, and one `refused-change` entry naming the paths the server undid.
 * The actor is the authenticated connection's user and role, never anything in the document.
 */
export function describeStaffChanges(
  changes: { applied: FieldChange[]; lists: ListChange[]; refused: FieldChange[] },
  context: ConnectionContext,
  describeApplied: boolean,
  now: number,
): AuditEntry[] {
  const actor = {
    at: now,
    actorId: context.principal.userId,
    actorName: context.principal.name,
    actorRole: context.principal.role,
  }
  const entries: AuditEntry[] = []
  if (describeApplied) {
    for (const change of changes.applied) {
      const described = describeField(change)
      if (described) entries.push({ ...actor, ...described })
    }
    for (const list of changes.lists) {
      if (list.path.length === 1 && list.path[0] === 'agenda')
        entries.push({ ...actor, action: 'change-agenda', targetId: null })
    }
  }
  if (changes.refused.length > 0) {
    const paths = [...new Set(changes.refused.map((c) => (c.created ?? c.path).join('.')))]
    entries.push({ ...actor, action: 'refused-change', targetId: null, detail: paths.join(', ') })
  }
  return dedupe(entries)
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
