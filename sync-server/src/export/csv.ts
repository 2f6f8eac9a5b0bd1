import type { PublicSnapshot } from '@podium/shared'
import { stringify } from 'csv-stringify/sync'

export const CSV_COLUMNS = [
  'id',
  'text',
  'author',
  'votes',
  'status',
  'pinned',
  'answered',
  'labels',
  'created_at',
  'replies',
] as const

/**
 * One row per question, with a header. Labels are by name; replies are `author: text`,
 * one per line inside the cell. Cells that a spreadsheet would run as a formula are
 * escaped, so opening an export cannot run what an attendee typed.
 */
export function questionsCsv(snapshot: PublicSnapshot): string {
  const labelNames = new Map(snapshot.labels.map((l) => [l.id, l.name]))
  const author = (name: string | null) => name ?? 'anonymous'
  const replies = new Map<string, string[]>()
  for (const r of [...snapshot.replies].sort((a, b) => a.createdAt - b.createdAt)) {
    const line = `${author(r.authorName)}${r.hidden ? ' (hidden)' : ''}: ${r.text}`
    const list = replies.get(r.questionId)
    if (list) list.push(line)
    else replies.set(r.questionId, [line])
  }
  const rows = [...snapshot.questions]
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((q) => ({
      id: q.id,
      text: q.text,
      author: author(q.authorName),
      votes: q.votes,
      status: q.status,
      pinned: q.pinned,
      answered: q.answered,
      labels: q.labels.map((id) => labelNames.get(id) ?? id).join(', '),
      created_at: new Date(q.createdAt).toISOString(),
      replies: (replies.get(q.id) ?? []).join('\n'),
    }))
  return stringify(rows, {
    header: true,
    columns: [...CSV_COLUMNS],
    escape_formulas: true,
    cast: { boolean: (value) => (value ? 'true' : 'false') },
  })
}
