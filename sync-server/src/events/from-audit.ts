import type { AuditEntry } from '@podium/shared'
import { type EventDraft, EventType } from './types.ts'

/**
 * Events for what staff did straight in the documents, read from the audit entries the
 * server made of their transactions: a question marked answered, a status changed.
 */
export function eventsFromAudit(sessionId: string, entries: readonly AuditEntry[]): EventDraft[] {
  const events: EventDraft[] = []
  for (const e of entries) {
    const base = { sessionId, at: e.at }
    if (e.action === 'mark-answered' && e.targetId)
      events.push({
        ...base,
        type: EventType.questionAnswered,
        questionId: e.targetId,
        by: e.actorId,
      })
    else if (e.action.startsWith('status-'))
      events.push({
        ...base,
        type: EventType.sessionStatusChanged,
        status: e.action.slice('status-'.length),
        by: e.actorId,
      })
  }
  return events
}
