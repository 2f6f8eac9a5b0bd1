/** What the server's audit actions mean, as a person would say them. */
const ACTIONS: Record<string, string> = {
  'accept-invite': 'joined as staff',
  'add-question': 'added a question',
  'approve-question': 'approved',
  'approve-reply': 'approved a reply',
  archive: 'archived',
  'change-agenda': 'changed the agenda',
  'change-labels': 'changed the labels',
  'change-settings': 'changed the settings',
  'delete-question': 'removed a question',
  'edit-question': 'edited',
  'import-session': 'imported the session',
  'invite-moderator': 'invited a moderator',
  'invite-presenter': 'invited a presenter',
  hide: 'hid',
  label: 'labelled',
  'mark-answered': 'marked answered',
  'mark-unanswered': 'reopened',
  pin: 'pinned',
  'reject-question': 'rejected',
  'reject-reply': 'rejected a reply',
  reply: 'replied to',
  restore: 'restored',
  'set-current-item': 'moved the agenda on',
  spotlight: 'put on screen',
  'status-draft': 'set the session back to draft',
  'status-ended': 'ended the session',
  'status-live': 'went live',
  'timer-pause': 'paused the timer',
  'timer-reset': 'reset the timer',
  'timer-start': 'started the timer',
  unpin: 'unpinned',
}

export function auditAction(action: string): string {
  return ACTIONS[action] ?? action.replace(/-/g, ' ')
}
