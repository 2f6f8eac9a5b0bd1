import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { EventBus } from '../events/bus.ts'
import { type DomainEvent, EventType } from '../events/types.ts'
import type { KindData } from './compose.ts'
import type { Notifier } from './notify.ts'
import type { Executor } from './queue.ts'

/** The event subscriber's name: its cursor row in event_cursors. */
export const SUBSCRIBER = 'notifications'

/** At most how often the notifier reads the events stored since it last looked. */
export const SUBSCRIBER_INTERVAL_MS = 250

/**
 * Notifications fed by domain events: "your question was answered" to the asker, a
 * summary to the host when a session ends. Each is queued in the transaction that moves
 * the subscriber's cursor, so an event makes its notifications exactly once. A new
 * installation starts from now: old events send nothing.
 */
export function subscribeToEvents(events: EventBus, notifier: Notifier, queued: () => void): void {
  events.subscribe(
    SUBSCRIBER,
    async (event, trx) => {
      const ids = await handle(event, trx, notifier)
      // The worker looks once the cursor's transaction has committed (or at its next poll).
      if (ids.length > 0) setTimeout(queued, 25).unref()
    },
    // A poll or vote storm stores events with every ingest tick, ten a second; none of them
    // notifies anyone, and a quarter of a second matters to no email or push.
    { from: 'now', minIntervalMs: SUBSCRIBER_INTERVAL_MS },
  )
}

async function handle(
  event: DomainEvent,
  trx: Transaction<Database>,
  notifier: Notifier,
): Promise<string[]> {
  switch (event.type) {
    case EventType.questionAnswered: {
      const asker = await trx
        .selectFrom('ingested')
        .innerJoin('users', (join) =>
          join
            .onRef('users.id', '=', 'ingested.user_id')
            .onRef('users.session_id', '=', 'ingested.session_id'),
        )
        .select(['users.id', 'users.account_id'])
        .where('ingested.session_id', '=', event.sessionId)
        .where('ingested.entry_id', '=', event.questionId)
        .executeTakeFirst()
      if (!asker?.account_id || asker.id === event.by) return []
      const data: KindData['answered'] = {
        sessionId: event.sessionId,
        questionId: event.questionId,
      }
      return notifier.toAccount(trx, asker.account_id, {
        kind: 'answered',
        sessionId: event.sessionId,
        subject: `${event.sessionId}/${event.questionId}`,
        data,
      })
    }
    case EventType.sessionStatusChanged: {
      if (event.status !== 'ended') return []
      const owner = await sessionOwner(trx, event.sessionId)
      if (!owner) return []
      const data: KindData['summary'] = { sessionId: event.sessionId }
      return notifier.toAccount(trx, owner, {
        kind: 'summary',
        sessionId: event.sessionId,
        subject: `${event.sessionId}/${event.seq}`,
        data,
      })
    }
    default:
      return []
  }
}

/** The account a session's messages go to: its owner, else its host's account; or null. */
export async function sessionOwner(trx: Executor, sessionId: string): Promise<string | null> {
  const session = await trx
    .selectFrom('sessions')
    .select(['owner_account_id', 'host_user_id'])
    .where('id', '=', sessionId)
    .executeTakeFirst()
  if (!session) return null
  if (session.owner_account_id) return session.owner_account_id
  const host = await trx
    .selectFrom('users')
    .select('account_id')
    .where('id', '=', session.host_user_id)
    .executeTakeFirst()
  return host?.account_id ?? null
}
