import { REACTION_WINDOW_MS, type ReactionCounts, type ReactionId } from '@podium/shared'

/** One closed window of a session: when it began and what was counted in it. */
export interface ClosedWindow {
  second: number
  counts: ReactionCounts
  total: number
}

/** The start of the window `at` falls in. */
export const windowOf = (at: number): number =>
  Math.floor(at / REACTION_WINDOW_MS) * REACTION_WINDOW_MS

/**
 * A session's reactions counted per window of REACTION_WINDOW_MS, aligned to the clock so
 * every instance's windows line up. Counting is a map increment: nothing is written per
 * reaction; the publisher takes each window once it has closed.
 */
export class ReactionWindows {
  private readonly open = new Map<number, Map<ReactionId, number>>()

  add(reaction: ReactionId, at: number): void {
    const second = windowOf(at)
    let counts = this.open.get(second)
    if (!counts) {
      counts = new Map()
      this.open.set(second, counts)
    }
    counts.set(reaction, (counts.get(reaction) ?? 0) + 1)
  }

  /** Whether any window (closed or not) still holds counts. */
  get empty(): boolean {
    return this.open.size === 0
  }

  /** Takes the windows that closed before `now`, oldest first. */
  takeClosed(now: number): ClosedWindow[] {
    const current = windowOf(now)
    const closed: ClosedWindow[] = []
    for (const [second, counts] of this.open) {
      if (second >= current) continue
      this.open.delete(second)
      const out: ReactionCounts = {}
      let total = 0
      for (const [id, n] of counts) {
        out[id] = n
        total += n
      }
      closed.push({ second, counts: out, total })
    }
    return closed.sort((a, b) => a.second - b.second)
  }

  /** When the oldest window with counts closes (null: none). */
  nextClose(): number | null {
    let oldest: number | null = null
    for (const second of this.open.keys()) if (oldest === null || second < oldest) oldest = second
    return oldest === null ? null : oldest + REACTION_WINDOW_MS
  }
}
