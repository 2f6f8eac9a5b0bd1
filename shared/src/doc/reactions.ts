import type * as Y from 'yjs'
import { z } from 'zod'
import { type ReactionCounts, ReactionIdSchema } from '../schemas/reactions.ts'

const Counts = z.record(z.string(), z.number().int().nonnegative())

/** How many of its last windows an instance's entry carries (see `recent`). */
export const RECENT_REACTION_WINDOWS = 5

/** One window: its start and what was counted in it. */
export const ReactionWindow = z.object({
  /** The window's start (ms since the epoch, a multiple of REACTION_WINDOW_MS). */
  second: z.number().int(),
  /** Reactions counted in that window. */
  counts: Counts,
})
export type ReactionWindow = z.infer<typeof ReactionWindow>

/** One server instance's last published window (see ReactionsDoc). */
export const InstanceReactions = ReactionWindow.extend({
  /** Reactions counted by this instance since the session began. */
  totals: Counts,
  /**
   * The instance's last few windows, this one included, oldest first. Two windows written
   * close together reach a reader as one update (the server sends a turn's writes as one),
   * so a reader that kept only the newest would never see the other: with these it takes
   * every window it has not shown. Absent in entries written before it existed.
   */
  recent: z.array(ReactionWindow).max(RECENT_REACTION_WINDOWS).optional(),
})
export type InstanceReactions = z.infer<typeof InstanceReactions>

/** Keeps only known reactions, so a value written by a newer version reads safely. */
function known(counts: Record<string, number>): ReactionCounts {
  const out: ReactionCounts = {}
  for (const [id, n] of Object.entries(counts)) {
    const parsed = ReactionIdSchema.safeParse(id)
    if (parsed.success && n > 0) out[parsed.data] = n
  }
  return out
}

function add(into: ReactionCounts, counts: ReactionCounts): void {
  for (const [id, n] of Object.entries(counts) as Array<[keyof ReactionCounts, number]>)
    into[id] = (into[id] ?? 0) + n
}

/**
 * The reaction counts in the public document (map `reactions`, server instance id →
 * InstanceReactions). Only the server writes it, once per window with reactions in it;
 * with several instances each writes its own entry and readers add them up.
 */
export class ReactionsDoc {
  static readonly MAP = 'reactions'

  constructor(readonly doc: Y.Doc) {}

  private get map() {
    return this.doc.getMap<unknown>(ReactionsDoc.MAP)
  }

  private entries(): InstanceReactions[] {
    const out: InstanceReactions[] = []
    for (const value of this.map.values()) {
      const parsed = InstanceReactions.safeParse(value)
      if (parsed.success) out.push(parsed.data)
    }
    return out
  }

  /** The newest window any instance published, with every instance's counts for it. */
  latest(): { second: number; counts: ReactionCounts } | null {
    const entries = this.entries()
    if (entries.length === 0) return null
    const second = Math.max(...entries.map((e) => e.second))
    const counts: ReactionCounts = {}
    for (const e of entries) if (e.second === second) add(counts, known(e.counts))
    return { second, counts }
  }

  /**
   * Every window newer than `after` that the entries still carry, oldest first, each with
   * every instance's counts for it: what a reader that has shown windows up to `after`
   * has yet to show.
   */
  windowsAfter(after: number): Array<{ second: number; counts: ReactionCounts }> {
    const bySecond = new Map<number, ReactionCounts>()
    for (const e of this.entries()) {
      const windows = e.recent?.length ? e.recent : [{ second: e.second, counts: e.counts }]
      for (const w of windows) {
        if (w.second <= after) continue
        const counts = bySecond.get(w.second) ?? {}
        add(counts, known(w.counts))
        bySecond.set(w.second, counts)
      }
    }
    return [...bySecond].sort((a, b) => a[0] - b[0]).map(([second, counts]) => ({ second, counts }))
  }

  /** Every reaction counted in the session, per reaction. */
  totals(): ReactionCounts {
    const totals: ReactionCounts = {}
    for (const e of this.entries()) add(totals, known(e.totals))
    return totals
  }

  /** This instance's entry, if it wrote one (its totals go on from there). */
  instance(instanceId: string): InstanceReactions | null {
    const parsed = InstanceReactions.safeParse(this.map.get(instanceId))
    return parsed.success ? parsed.data : null
  }

  /**
   * The server publishes one window: its counts, and this instance's totals after it. The
   * entry's recent windows are the previous entry's with this one added.
   */
  publish(instanceId: string, value: Omit<InstanceReactions, 'recent'>): void {
    const before = this.instance(instanceId)
    const earlier = (
      before?.recent ?? (before ? [{ second: before.second, counts: before.counts }] : [])
    ).filter((w) => w.second < value.second)
    const recent = [...earlier, { second: value.second, counts: value.counts }].slice(
      -RECENT_REACTION_WINDOWS,
    )
    this.map.set(instanceId, InstanceReactions.parse({ ...value, recent }))
  }

  observe(fn: () => void): () => void {
    this.map.observe(fn)
    return () => this.map.unobserve(fn)
  }
}
