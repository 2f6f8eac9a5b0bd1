import type { Db } from '../db/connect.ts'
import type { EventLog } from '../events/log.ts'
import { EventType } from '../events/types.ts'
import type { ClosedWindow } from './windows.ts'

/**
 * The reactions' rows: one per window with reactions, per instance, stored in one
 * transaction with its `reactions.counted` event, so the event exists exactly when the row
 * does.
 */
export class ReactionRepository {
  constructor(
    private readonly db: Db,
    private readonly events: EventLog,
  ) {}

  async store(sessionId: string, instanceId: string, window: ClosedWindow): Promise<void> {
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('reaction_windows')
        .values({
          session_id: sessionId,
          second: window.second,
          instance_id: instanceId,
          counts: JSON.stringify(window.counts),
          total: window.total,
        })
        .onConflict((oc) =>
          oc.columns(['session_id', 'second', 'instance_id']).doUpdateSet({
            counts: JSON.stringify(window.counts),
            total: window.total,
          }),
        )
        .execute()
      await this.events.append(trx, [
        {
          type: EventType.reactionsCounted,
          second: window.second,
          counts: window.counts as Record<string, number>,
          total: window.total,
          sessionId,
          at: window.second,
        },
      ])
    })
  }

  /** Every window of a session, oldest first (export, tests). */
  windows(sessionId: string): Promise<ClosedWindow[]> {
    return reactionWindows(this.db, sessionId)
  }
}

/** Every window of a session, oldest first, each instance's counts for it added up. */
export async function reactionWindows(db: Db, sessionId: string): Promise<ClosedWindow[]> {
  const rows = await db.kysely
    .selectFrom('reaction_windows')
    .select(['second', 'counts', 'total'])
    .where('session_id', '=', sessionId)
    .orderBy('second')
    .execute()
  const bySecond = new Map<number, ClosedWindow>()
  for (const row of rows) {
    const second = Number(row.second)
    const counts = JSON.parse(row.counts) as Record<string, number>
    const window = bySecond.get(second) ?? { second, counts: {}, total: 0 }
    for (const [id, n] of Object.entries(counts))
      (window.counts as Record<string, number>)[id] =
        ((window.counts as Record<string, number>)[id] ?? 0) + n
    window.total += Number(row.total)
    bySecond.set(second, window)
  }
  return [...bySecond.values()]
}
