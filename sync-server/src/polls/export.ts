import { documentName, type PollExport, PublicPolls } from '@podium/shared'
import { stringify } from 'csv-stringify/sync'
import type { Db } from '../db/connect.ts'
import type { ServerDocs } from '../sync/server-docs.ts'
import { exportAnswers } from './repository.ts'

/** Every poll of a session with its results and answers; names only in named polls. */
export async function pollsExport(
  { docs, db }: { docs: ServerDocs; db: Db },
  sessionId: string,
): Promise<PollExport[]> {
  const polls = await docs.read(documentName.public(sessionId), (doc) => {
    const p = new PublicPolls(doc)
    return p.polls().map((poll) => ({ poll, results: p.results(poll.id) }))
  })
  const rows = await exportAnswers(db, sessionId)
  return polls.map(({ poll, results }) => ({
    poll,
    results,
    answers: rows
      .filter((r) => r.poll_id === poll.id)
      .map((r) => {
        const a = JSON.parse(r.answer) as {
          choices?: number[]
          rating?: number
          text?: string
          moderation?: 'pending' | 'rejected'
        }
        return {
          name: poll.anonymous ? null : r.name,
          choices: a.choices ?? [],
          rating: a.rating ?? null,
          text: a.text ?? null,
          answeredAt: Number(r.answered_at),
          points: r.points === null ? null : Number(r.points),
          moderation: a.moderation ?? null,
        }
      }),
  }))
}

export const POLL_CSV_COLUMNS = [
  'poll_id',
  'question',
  'kind',
  'status',
  'name',
  'answer',
  'answered_at',
  'points',
  'moderation',
] as const

/**
 * One row per answer, with a header: choices by their option text (`; ` between several),
 * ratings as numbers, text as written. Formula-like cells are escaped, as in the questions'
 * CSV, so opening an export cannot run what an attendee typed.
 */
export function pollsCsv(polls: PollExport[]): string {
  const rows = polls.flatMap(({ poll, answers }) =>
    answers.map((a) => ({
      poll_id: poll.id,
      question: poll.question,
      kind: poll.kind,
      status: poll.status,
      name: a.name ?? (poll.anonymous ? '' : 'anonymous'),
      answer:
        a.text ??
        (a.rating !== null
          ? String(a.rating)
          : a.choices.map((c) => poll.options[c] ?? c).join('; ')),
      answered_at: new Date(a.answeredAt).toISOString(),
      points: a.points ?? '',
      // Pre-moderated open text: `pending` or `rejected` answers are not in the results.
      moderation: a.moderation ?? '',
    })),
  )
  return stringify(rows, { header: true, columns: [...POLL_CSV_COLUMNS], escape_formulas: true })
}
