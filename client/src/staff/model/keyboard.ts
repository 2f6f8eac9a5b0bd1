/** The moderator console's keyboard shortcuts: one key, one action. */
export const Shortcut = {
  next: 'next',
  previous: 'previous',
  approve: 'approve',
  reject: 'reject',
  pin: 'pin',
  answered: 'answered',
  hide: 'hide',
  spotlight: 'spotlight',
  callOn: 'call-on',
  help: 'help',
} as const
export type Shortcut = (typeof Shortcut)[keyof typeof Shortcut]

export const SHORTCUTS: ReadonlyArray<{ key: string; action: Shortcut; label: string }> = [
  { key: 'j', action: Shortcut.next, label: 'Select the next item' },
  { key: 'k', action: Shortcut.previous, label: 'Select the previous item' },
  {
    key: 'a',
    action: Shortcut.approve,
    label: 'Approve the selected queue item and move to the next',
  },
  {
    key: 'r',
    action: Shortcut.reject,
    label: 'Reject the selected queue item (asks for a reason), then move to the next',
  },
  { key: 'p', action: Shortcut.pin, label: 'Pin or unpin the selected question' },
  {
    key: 'd',
    action: Shortcut.answered,
    label: 'Mark the selected question answered, or reopen it',
  },
  { key: 'h', action: Shortcut.hide, label: 'Hide the selected question, or restore it' },
  {
    key: 's',
    action: Shortcut.spotlight,
    label:
      'Put the selected question on screen, or take it off (a queued question must be approved first: a, then s on it among the questions)',
  },
  { key: 'c', action: Shortcut.callOn, label: 'Call on the raised hand that has waited longest' },
  { key: '?', action: Shortcut.help, label: 'Show or hide this list' },
]

const BY_KEY = new Map(SHORTCUTS.map((s) => [s.key, s.action]))

/** True when the key press belongs to a text field, not to the console. */
function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false
  const element = target as HTMLElement
  if (element.isContentEditable) return true
  return element.closest('input, textarea, select, [contenteditable="true"]') !== null
}

/** The shortcut a key press means, or null (typing, modifier keys, or an unbound key). */
export function shortcutFor(event: KeyboardEvent): Shortcut | null {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return null
  if (isTyping(event.target)) return null
  return BY_KEY.get(event.key) ?? null
}
