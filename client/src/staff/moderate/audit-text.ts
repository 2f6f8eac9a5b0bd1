import type { AuditEntry } from '@podium/shared'
import { excerpt } from '../ui/format.ts'

/** What an entry's target is, so it can be named: a question, a reply (by its question), an agenda item. */
type TargetKind = 'question' | 'reply' | 'agenda'

interface ActionText {
  /** The verb phrase, as a person would say it. */
  text: string
  /** The kind of thing the entry's target id names; the sentence is complete without it otherwise. */
  target?: TargetKind
  /**
   * The server names the target in the entry's detail (a person, an invite: nothing the
   * documents hold); this is said when an older entry has no detail.
   */
  unnamed?: string
}

/** What the server's audit actions mean. */
const ACTIONS: Record<string, ActionText> = {
  'accept-invite': { text: 'joined as staff' },
  'add-question': { text: 'added', target: 'question' },
  'approve-question': { text: 'approved', target: 'question' },
  'call-on': { text: 'called on', unnamed: 'someone who raised a hand' },
  'approve-edit': { text: 'approved an edit of', target: 'question' },
  'approve-reply': { text: 'approved a reply to', target: 'reply' },
  'approve-poll-answer': { text: 'approved an answer to a poll' },
  archive: { text: 'archived', target: 'question' },
  'change-agenda': { text: 'changed the agenda' },
  'change-labels': { text: 'changed the labels' },
  'change-settings': { text: 'changed the settings' },
  'clear-spotlight': { text: 'took the question off screen' },
  'create-poll': { text: 'added a poll' },
  'delete-poll': { text: 'deleted a poll' },
  'edit-poll': { text: 'changed a poll' },
  'poll-open': { text: 'opened a poll' },
  'poll-closed': { text: 'closed a poll' },
  'poll-draft': { text: 'set a poll back to draft' },
  'delete-question': { text: 'removed', target: 'question' },
  'delete-reply': { text: 'removed a reply to', target: 'reply' },
  'edit-question': { text: 'edited', target: 'question' },
  'import-session': { text: 'imported the session' },
  'invite-moderator': { text: 'invited a moderator' },
  'invite-presenter': { text: 'invited a presenter' },
  'issue-host-link': { text: 'made a new host link (the one before stopped working)' },
  'open-host-link': { text: 'opened the host console with the host link' },
  hide: { text: 'hid', target: 'question' },
  'hide-reply': { text: 'hid a reply to', target: 'reply' },
  label: { text: 'labelled', target: 'question' },
  'lower-hand': { text: 'lowered the hand of', unnamed: 'someone' },
  'mark-answered': { text: 'marked answered', target: 'question' },
  'mark-unanswered': { text: 'reopened', target: 'question' },
  pin: { text: 'pinned', target: 'question' },
  'refused-change': { text: 'tried a change their role may not make, which the server undid:' },
  'reject-edit': { text: 'rejected an edit of', target: 'question' },
  'reject-question': { text: 'rejected', target: 'question' },
  'reject-reply': { text: 'rejected a reply to', target: 'reply' },
  'reject-poll-answer': { text: 'rejected an answer to a poll' },
  rename: { text: 'changed their name' },
  reply: { text: 'replied to', target: 'reply' },
  restore: { text: 'restored', target: 'question' },
  'restore-checkpoint': { text: 'restored a checkpoint' },
  'revoke-invite': { text: 'withdrew', unnamed: 'an invite' },
  'revoke-staff': { text: 'withdrew the staff role of', unnamed: 'a staff member' },
  'set-current-item': { text: 'moved the agenda on to', target: 'agenda' },
  'show-reply': { text: 'showed again a reply to', target: 'reply' },
  spotlight: { text: 'put on screen', target: 'question' },
  'status-draft': { text: 'set the session back to draft' },
  'status-ended': { text: 'ended the session' },
  'status-live': { text: 'went live' },
  'timer-pause': { text: 'paused the timer' },
  'timer-reset': { text: 'reset the timer' },
  'timer-start': { text: 'started the timer' },
  unpin: { text: 'unpinned', target: 'question' },
}

/** What the session's documents still say about an entry's target. */
export interface AuditLookup {
  /** A question's text, if it is published, queued or rejected. */
  question(id: string): string | undefined
  /** The text of the question a reply (published, queued or rejected) answers. */
  replyQuestion(id: string): string | undefined
  agendaItem(id: string): string | undefined
}

/** Said of a target the documents no longer hold, so no sentence ends in the air. */
const GONE: Record<TargetKind, string> = {
  question: 'a question no longer in the session',
  reply: 'a question no longer in the session',
  agenda: 'an item since removed from the agenda',
}

const quoted = (text: string) => `“${excerpt(text, 60)}”`

export function auditAction(action: string): string {
  return ACTIONS[action]?.text ?? action.replace(/-/g, ' ')
}

/**
 * An entry as a sentence after its actor: the action, and what it was done to (its
 * target, named from the documents, or said to be gone), and any detail the server kept.
 */
export function describeAudit(
  entry: Pick<AuditEntry, 'action' | 'targetId' | 'detail'>,
  lookup: AuditLookup,
): { action: string; target: string | null; detail: string | null } {
  const known = ACTIONS[entry.action]
  const detail = entry.detail ?? null
  if (known?.unnamed) return { action: known.text, target: detail ?? known.unnamed, detail: null }
  if (!known?.target) return { action: auditAction(entry.action), target: null, detail }
  if (known.target === 'agenda' && entry.targetId === null)
    return { action: 'cleared the current agenda item', target: null, detail }
  const id = entry.targetId
  const text =
    id === null
      ? undefined
      : known.target === 'question'
        ? lookup.question(id)
        : known.target === 'reply'
          ? lookup.replyQuestion(id)
          : lookup.agendaItem(id)
  return { action: known.text, target: text ? quoted(text) : GONE[known.target], detail }
}
