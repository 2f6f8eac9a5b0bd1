import type { Logger } from 'pino'
import type { Db } from '../db/connect.ts'

/** How often the watched sessions' rows are looked at (one query for all of them). */
export const LOG_WATCH_MS = 2_000

type Listener = () => void

/**
 * Tells the hosts watching a session's "Notifications sent" that its rows changed: a
 * message queued, sent, failed, retried or dead, on this instance or another. While anyone
 * watches, one query every LOG_WATCH_MS reads a fingerprint of each watched session's rows
 * (how many in each status, the newest, the attempts made); a changed fingerprint wakes
 * that session's listeners. Nobody watching, nothing is read.
 */
export class NotificationLogWatch {
  private readonly listeners = new Map<string, Set<Listener>>()
  private readonly seen = new Map<string, string>()
  private timer: NodeJS.Timeout | null = null
  private running = false

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly everyMs = LOG_WATCH_MS,
  ) {}

  /** Calls `listener` whenever the session's rows change; returns the way to stop. */
  watch(sessionId: string, listener: Listener): () => void {
    let set = this.listeners.get(sessionId)
    if (!set) {
      set = new Set()
      this.listeners.set(sessionId, set)
      // Its first fingerprint is read before anything is told: opening changes nothing.
      void this.check([sessionId], false)
    }
    set.add(listener)
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.everyMs)
      this.timer.unref()
    }
    return () => {
      const current = this.listeners.get(sessionId)
      current?.delete(listener)
      if (current?.size === 0) {
        this.listeners.delete(sessionId)
        this.seen.delete(sessionId)
      }
      if (this.listeners.size === 0) this.close()
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private async tick(): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      await this.check([...this.listeners.keys()], true)
    } catch (error) {
      this.log.warn({ err: error }, 'reading the notification log for its watchers failed')
    } finally {
      this.running = false
    }
  }

  private async check(sessionIds: string[], tell: boolean): Promise<void> {
    if (sessionIds.length === 0) return
    const rows = await this.db.kysely
      .selectFrom('notifications')
      .select((eb) => [
        'session_id',
        'status',
        eb.fn.countAll<number>().as('n'),
        eb.fn.max('created_at').as('newest'),
        eb.fn.sum<number>('attempts').as('attempts'),
        eb.fn.max('sent_at').as('sent'),
      ])
      .where('session_id', 'in', sessionIds)
      .groupBy(['session_id', 'status'])
      .orderBy('session_id')
      .orderBy('status')
      .execute()
    const prints = new Map<string, string>(sessionIds.map((id) => [id, '']))
    for (const r of rows) {
      const id = r.session_id ?? ''
      const part = [r.status, r.n, r.newest, r.attempts, r.sent]
        .map((v) => String(v ?? ''))
        .join(':')
      prints.set(id, `${prints.get(id) ?? ''}|${part}`)
    }
    for (const [id, print] of prints) {
      const before = this.seen.get(id)
      if (!this.listeners.has(id)) continue
      this.seen.set(id, print)
      if (tell && before !== undefined && before !== print)
        for (const listener of this.listeners.get(id) ?? []) listener()
    }
  }
}
