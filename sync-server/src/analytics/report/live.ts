import type { AnalyticsLive } from '@podium/shared'
import type { Logger } from 'pino'
import type { DomainEvent } from '../../events/types.ts'

export type LiveListener = (figures: AnalyticsLive) => void

/** A watched session's figures go out at most this often, however busy it is. */
export const LIVE_MIN_MS = 1_000
/**
 * Watched sessions are read again this often, for events another instance recorded
 * (this one is woken only by its own); unchanged figures are not sent again.
 */
export const LIVE_REFRESH_MS = 5_000

/**
 * The live figures of watched sessions, pushed when analytics has committed events of
 * theirs: at once for the first change, then at most once per LIVE_MIN_MS (a vote storm
 * sends one update a second, not one per vote). This instance's recordings wake it at
 * once, other instances' within LIVE_REFRESH_MS; each watcher also gets the figures when
 * it starts watching.
 */
export class LiveFeed {
  private readonly listeners = new Map<string, Set<LiveListener>>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly sentAt = new Map<string, number>()
  /** The figures last sent per session, as JSON. */
  private readonly sent = new Map<string, string>()
  private refresher: NodeJS.Timeout | null = null

  constructor(
    private readonly read: (sessionId: string) => Promise<AnalyticsLive>,
    private readonly log: Logger,
    private readonly minMs = LIVE_MIN_MS,
    private readonly refreshMs = LIVE_REFRESH_MS,
  ) {}

  /** Sends `sessionId`'s figures to `listener` now and on every change; returns the way out. */
  watch(sessionId: string, listener: LiveListener): () => void {
    const set = this.listeners.get(sessionId) ?? new Set<LiveListener>()
    set.add(listener)
    this.listeners.set(sessionId, set)
    if (!this.refresher) {
      this.refresher = setInterval(() => this.refresh(), this.refreshMs)
      this.refresher.unref()
    }
    void this.read(sessionId)
      .then((figures) => {
        if (!set.has(listener)) return
        this.sent.set(sessionId, JSON.stringify(figures))
        listener(figures)
      })
      .catch((error: unknown) => this.log.error({ err: error, sessionId }, 'live figures failed'))
    return () => {
      set.delete(listener)
      if (set.size > 0) return
      this.listeners.delete(sessionId)
      const timer = this.timers.get(sessionId)
      if (timer) clearTimeout(timer)
      this.timers.delete(sessionId)
      this.sentAt.delete(sessionId)
      this.sent.delete(sessionId)
      if (this.listeners.size === 0) this.stopRefreshing()
    }
  }

  /** How many watch `sessionId` now. */
  watchers(sessionId: string): number {
    return this.listeners.get(sessionId)?.size ?? 0
  }

  /** Analytics committed these events. */
  committed(events: DomainEvent[]): void {
    this.changed(new Set(events.map((e) => e.sessionId)))
  }

  /** These sessions' figures may have changed. */
  changed(sessionIds: Iterable<string>): void {
    for (const sessionId of sessionIds) {
      if (!this.listeners.has(sessionId) || this.timers.has(sessionId)) continue
      const wait = Math.max(0, (this.sentAt.get(sessionId) ?? 0) + this.minMs - Date.now())
      const timer = setTimeout(() => void this.push(sessionId), wait)
      timer.unref()
      this.timers.set(sessionId, timer)
    }
  }

  /** Sends the figures if they changed since they were last sent. */
  private async push(sessionId: string): Promise<void> {
    this.timers.delete(sessionId)
    this.sentAt.set(sessionId, Date.now())
    try {
      const figures = await this.read(sessionId)
      const json = JSON.stringify(figures)
      if (this.sent.get(sessionId) === json) return
      this.sent.set(sessionId, json)
      for (const listener of this.listeners.get(sessionId) ?? []) listener(figures)
    } catch (error) {
      this.log.error({ err: error, sessionId }, 'live figures failed')
    }
  }

  private refresh(): void {
    for (const sessionId of this.listeners.keys())
      if (!this.timers.has(sessionId)) void this.push(sessionId)
  }

  private stopRefreshing(): void {
    if (this.refresher) clearInterval(this.refresher)
    this.refresher = null
  }

  close(): void {
    this.stopRefreshing()
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    this.listeners.clear()
  }
}
