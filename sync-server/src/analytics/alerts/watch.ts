import type { Logger } from 'pino'
import type { Db } from '../../db/connect.ts'
import {
  ALERT_CHECK_MS,
  type AlertListener,
  AlertRule,
  evaluateAlerts,
  QUEUE_AGE_MIN_MS,
  waiting,
} from './rules.ts'

/**
 * Looks at sessions with open alerts every ALERT_CHECK_MS, so an alert that recovers as
 * time passes (a spike that ages out of the window) says so without waiting for an event,
 * and at sessions whose moderation queue holds a question older than a minute (which
 * no event announces: the queue ages while nothing happens).
 */
export class AlertWatch {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<unknown> | null = null

  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
    private readonly log: Logger,
    /** Told which sessions' alerts changed. */
    private readonly changed: (sessionIds: string[]) => void,
    /** Told of alerts that recover, in the transaction that closes them. */
    private readonly listener: () => AlertListener | null = () => null,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return
      this.running = this.run()
        .catch((error: unknown) => this.log.error({ err: error }, 'checking alerts failed'))
        .finally(() => {
          this.running = null
        })
    }, ALERT_CHECK_MS)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running
  }

  /**
   * Checks the sessions whose alerts time alone can change (`due`) now; returns those
   * whose alerts changed.
   */
  async run(): Promise<string[]> {
    const k = this.db.kysely
    const now = this.clock()
    const sessions = await this.due(now)
    const changed: string[] = []
    for (const session_id of sessions) {
      const moved = await k
        .transaction()
        .execute((trx) => evaluateAlerts(trx, session_id, now, this.listener()))
      if (moved) changed.push(session_id)
    }
    if (changed.length > 0) this.changed(changed)
    return changed
  }

  /**
   * The sessions whose alerts time alone can change: an open alert that recovers as its
   * window ages (a spike, poor video, a queue that was waiting), or a question waiting too
   * long with no queue-age alert open. A participation drop is left out: it recovers only
   * when people come back, which is an event, evaluated as it is recorded. A session that
   * ended with its room empty keeps that alert open, and every such session in the history
   * would otherwise be looked at again every 30 s (with 100 of them, 0.8 s of SQLite's
   * one thread each time).
   */
  async due(now: number): Promise<string[]> {
    const k = this.db.kysely
    const [open, late] = await Promise.all([
      k
        .selectFrom('analytics_alerts')
        .select('session_id')
        .distinct()
        .where('recovered_at', 'is', null)
        .where('rule', '!=', AlertRule.participationDrop)
        .execute(),
      waiting(k, now)
        .select('session_id')
        .distinct()
        // Sessions may set the age as low as a minute: their settings decide the rest.
        .where('asked_at', '<=', now - QUEUE_AGE_MIN_MS)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('analytics_alerts as a')
                .select('a.id')
                .whereRef('a.session_id', '=', 'analytics_questions.session_id')
                .where('a.rule', '=', AlertRule.queueAge)
                .where('a.recovered_at', 'is', null),
            ),
          ),
        )
        .execute(),
    ])
    return [...new Set([...open, ...late].map((r) => r.session_id))]
  }
}
