import { createSignal } from 'solid-js'

/** One polite live region for the whole room (rendered by <Announcer>). */
const [message, setMessage] = createSignal('')

export const announcement = message

/** Says `text` to screen readers (repeating the same text still announces it). */
export function announce(text: string): void {
  setMessage('')
  queueMicrotask(() => setMessage(text))
}
