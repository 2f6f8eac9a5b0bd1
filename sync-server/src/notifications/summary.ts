import type { Db } from '../db/connect.ts'
import { EventType } from '../events/types.ts'

/** A session's numbers for the host's summary, counted from its events, votes and participants. */
export async function summaryNumbers(
  db: Db,
  sessionId: string,
): Promise<{
  participants: number
  questions: number
  answered: number
  votes: number
  replies: number
}> {
  const k = db.kysely
  const events = await k
    .selectFrom('domain_events')
    .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
    .where('session_id', '=', sessionId)
    .where('type', 'in', [
      EventType.questionPublished,
      EventType.questionAnswered,
      EventType.replyPosted,
    ])
    .groupBy('type')
    .execute()
  const count = (type: string) => Number(events.find((e) => e.type === type)?.n ?? 0)
  const participants = await k
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('session_id', '=', sessionId)
    .executeTakeFirst()
  const votes = await k
    .selectFrom('votes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('session_id', '=', sessionId)
    .executeTakeFirst()
  return {
    participants: Number(participants?.n ?? 0),
    questions: count(EventType.questionPublished),
    answered: count(EventType.questionAnswered),
    votes: Number(votes?.n ?? 0),
    replies: count(EventType.replyPosted),
  }
}
