import type { QuizStanding } from '@podium/shared'
import type { Kysely, Transaction } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { Database } from '../db/schema.ts'
import type { StoredAnswer } from './decide.ts'
import { rankPlayers } from './results.ts'

/** An answer row to write with a tick (inserted, or replacing the person's earlier one). */
export interface PollAnswerRow {
  pollId: string
  quizId: string | null
  userId: string
  answer: StoredAnswer
}

/** Answers per poll, per user. */
export type AnswersByPoll = Map<string, Map<string, StoredAnswer>>

function fromRow(r: {
  answer: string
  answered_at: number | string
  points: number | null
  name: string | null
}): StoredAnswer {
  const parsed = JSON.parse(r.answer) as Partial<StoredAnswer>
  return {
    choices: Array.isArray(parsed.choices) ? parsed.choices : [],
    rating: typeof parsed.rating === 'number' ? parsed.rating : null,
    text: typeof parsed.text === 'string' ? parsed.text : null,
    at: Number(r.answered_at),
    points: r.points === null ? null : Number(r.points),
    name: r.name,
    moderation:
      parsed.moderation === 'pending' || parsed.moderation === 'rejected'
        ? parsed.moderation
        : null,
    reviewId: typeof parsed.reviewId === 'string' ? parsed.reviewId : null,
    seq: typeof parsed.seq === 'number' ? parsed.seq : null,
  }
}

/** The poll answers of a session (all polls, or the ones named), with their authors' names. */
export async function loadAnswers(
  db: Db,
  sessionId: string,
  pollIds?: string[],
): Promise<AnswersByPoll> {
  let query = db.kysely
    .selectFrom('poll_answers as a')
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .select(['a.poll_id', 'a.user_id', 'a.answer', 'a.answered_at', 'a.points', 'u.name'])
    .where('a.session_id', '=', sessionId)
  if (pollIds) query = query.where('a.poll_id', 'in', pollIds.length > 0 ? pollIds : [''])
  const rows = await query.execute()
  const out: AnswersByPoll = new Map()
  for (const r of rows) {
    let poll = out.get(r.poll_id)
    if (!poll) {
      poll = new Map()
      out.set(r.poll_id, poll)
    }
    poll.set(r.user_id, fromRow(r))
  }
  return out
}

/** Writes a tick's answers inside its transaction: one row per (session, poll, user). */
export async function writeAnswers(
  trx: Transaction<Database> | Kysely<Database>,
  sessionId: string,
  rows: PollAnswerRow[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await trx
      .insertInto('poll_answers')
      .values(
        rows.slice(i, i + 200).map((r) => ({
          session_id: sessionId,
          poll_id: r.pollId,
          quiz_id: r.quizId,
          user_id: r.userId,
          answer: JSON.stringify({
            choices: r.answer.choices,
            rating: r.answer.rating,
            text: r.answer.text,
            // Pre-moderation's state: a restored checkpoint or a restarted server keeps it.
            ...(r.answer.moderation
              ? {
                  moderation: r.answer.moderation,
                  reviewId: r.answer.reviewId ?? null,
                  seq: r.answer.seq ?? null,
                }
              : {}),
          }),
          answered_at: r.answer.at,
          points: r.answer.points,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['session_id', 'poll_id', 'user_id']).doUpdateSet((eb) => ({
          answer: eb.ref('excluded.answer'),
          answered_at: eb.ref('excluded.answered_at'),
          points: eb.ref('excluded.points'),
          quiz_id: eb.ref('excluded.quiz_id'),
        })),
      )
      .execute()
  }
}

/** A player's points and place in a quiz, from the table (every instance's answers). */
export async function quizStanding(
  db: Db,
  sessionId: string,
  quizId: string,
  userId: string,
): Promise<QuizStanding> {
  const rows = await db.kysely
    .selectFrom('poll_answers')
    .select(['user_id', (eb) => eb.fn.sum<number>('points').as('total')])
    .where('session_id', '=', sessionId)
    .where('quiz_id', '=', quizId)
    .groupBy('user_id')
    .execute()
  const ranked = rankPlayers(
    rows.map((r) => ({ userId: r.user_id, name: null, points: Number(r.total ?? 0) })),
  )
  const mine = ranked.find((p) => p.userId === userId)
  return { points: mine?.points ?? 0, rank: mine?.rank ?? null, players: ranked.length }
}

/** Every answer of a session, for the export (oldest first). */
export async function exportAnswers(db: Db, sessionId: string) {
  return db.kysely
    .selectFrom('poll_answers as a')
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .select(['a.poll_id', 'a.user_id', 'a.answer', 'a.answered_at', 'a.points', 'u.name'])
    .where('a.session_id', '=', sessionId)
    .orderBy('a.answered_at')
    .execute()
}
