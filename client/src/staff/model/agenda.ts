import { AgendaItem, Limits, newId } from '@podium/shared'

/** Agenda edits as pure functions: each takes the list and returns the new one, or an error. */

/**
 * Two hosts replacing the agenda at once can leave an item twice in the merged list;
 * the first copy wins, so every client shows the same agenda.
 */
export function dedupeAgenda(items: readonly AgendaItem[]): AgendaItem[] {
  const seen = new Set<string>()
  return items.filter((item) => {
    if (seen.has(item.id)) return false
    seen.add(item.id)
    return true
  })
}

function check(item: AgendaItem): AgendaItem | string {
  const parsed = AgendaItem.safeParse(item)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  if (issue?.path[0] === 'title') {
    return item.title.trim()
      ? `A title must be at most ${Limits.titleLength} characters.`
      : 'An agenda item needs a title.'
  }
  return 'A duration must be between 0 and 24 hours.'
}

/** Minutes as typed (decimals allowed) to whole seconds; NaN for what is not a number. */
export function minutesToSeconds(minutes: string): number {
  const value = Number(minutes.trim().replace(',', '.'))
  return minutes.trim() === '' || !Number.isFinite(value) ? Number.NaN : Math.round(value * 60)
}

export function addItem(
  items: readonly AgendaItem[],
  title: string,
  durationSec: number,
): AgendaItem[] | string {
  if (items.length >= Limits.agendaItems) {
    return `An agenda can have at most ${Limits.agendaItems} items.`
  }
  const item = check({ id: newId(), title: title.trim(), durationSec })
  return typeof item === 'string' ? item : [...items, item]
}

export function updateItem(
  items: readonly AgendaItem[],
  id: string,
  patch: Partial<Omit<AgendaItem, 'id'>>,
): AgendaItem[] | string {
  const index = items.findIndex((item) => item.id === id)
  const current = items[index]
  if (!current) return 'That agenda item no longer exists.'
  const next = check({
    ...current,
    ...patch,
    ...(patch.title !== undefined ? { title: patch.title.trim() } : {}),
  })
  if (typeof next === 'string') return next
  return items.map((item, i) => (i === index ? next : item))
}

export function moveItem(items: readonly AgendaItem[], id: string, delta: number): AgendaItem[] {
  const from = items.findIndex((item) => item.id === id)
  const to = from + delta
  if (from === -1 || to < 0 || to >= items.length) return [...items]
  const next = [...items]
  const [moved] = next.splice(from, 1)
  if (moved) next.splice(to, 0, moved)
  return next
}

export function removeItem(items: readonly AgendaItem[], id: string): AgendaItem[] {
  return items.filter((item) => item.id !== id)
}

/** The item after the current one, or the first when none is current. */
export function nextItem(
  items: readonly AgendaItem[],
  currentId: string | null,
): AgendaItem | null {
  if (!currentId) return items[0] ?? null
  const index = items.findIndex((item) => item.id === currentId)
  return items[index + 1] ?? null
}
