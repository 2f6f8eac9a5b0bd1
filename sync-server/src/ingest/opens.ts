import type { OpenedView } from '@podium/shared'
import { type EventData, EventType } from '../events/types.ts'

const MINUTE_MS = 60_000

/** An opening waiting for the tick that announces it. */
export interface Open {
  userId: string
  view: OpenedView
}

/**
 * Openings of the room and of the projector, told to analytics as `view.opened`. The
 * server decides them from authenticated connections to the public document, never from
 * what a page says it did; a connection's `view` parameter only says which one it was.
 * At most one per person and view in a minute (on this instance): a page reconnecting in
 * a loop, or many tabs, cannot grow the event log faster than that.
 */
export class Opens {
  private minute = Number.NEGATIVE_INFINITY
  /** Who opened what in the current minute. */
  private readonly seen = new Set<string>()
  private waiting: Open[] = []

  /** An authenticated connection opened `view`; whether it is a new opening to announce. */
  opened(userId: string, view: OpenedView, now: number): boolean {
    const minute = Math.floor(now / MINUTE_MS)
    if (minute !== this.minute) {
      this.minute = minute
      this.seen.clear()
    }
    const key = `${view}\u0000${userId}`
    if (this.seen.has(key)) return false
    this.seen.add(key)
    this.waiting.push({ userId, view })
    return true
  }

  /** The tick's step: a `view.opened` event for each opening waiting; returns them. */
  announce(out: { event(data: EventData): void }): Open[] {
    const taken = this.waiting
    this.waiting = []
    for (const { userId, view } of taken) out.event({ type: EventType.viewOpened, userId, view })
    return taken
  }

  /** A tick that failed before storing gives back what it took on. */
  giveBack(taken: readonly Open[]): void {
    this.waiting = [...taken, ...this.waiting]
  }
}
