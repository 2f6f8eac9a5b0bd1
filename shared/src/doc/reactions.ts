import type * as Y from 'yjs'
import { z } from 'zod'
import { type ReactionCounts, ReactionIdSchema } from '../schemas/reactions.ts'

const Counts = z.record(z.string(), z.number().int().nonnegative())

/** One server instance's last published window (see ReactionsDoc). */
export const InstanceReactions = z.object({
  /** The window's start (ms since the epoch, a multiple of REACTION_WINDOW_MS). */
  second: z.number().int(),
  /** Reactions counted in that window. */
  counts: Counts,
  /** Reactions counted by this instance since the session began. */
  totals: Counts,
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

  /** The server publishes one window: its counts, and this instance's totals after it. */
  publish(instanceId: string, value: InstanceReactions): void {
    this.map.set(instanceId, InstanceReactions.parse(value))
  }

  observe(fn: () => void): () => void {
    this.map.observe(fn)
    return () => this.map.unobserve(fn)
  }
}
