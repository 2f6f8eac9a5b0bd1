import type { Document } from '@hocuspocus/server'
import { PublicDoc } from '@podium/shared'
import type { TickPlan } from './plan.ts'
import { ReadBack, storePublicCorrection } from './read-back.ts'
import { type IngestBatch, type IngestRepository, type Stored, voteKey } from './repository.ts'

/**
 * With several instances, how long after writing a tally read back from the database the
 * instance reads it again. Another instance may have committed votes while the read was
 * on its way, and published the true tally before this instance wrote the older one over
 * it; the second read, once that commit has long landed, puts the true one back.
 */
export const SETTLE_MS = 250

export interface TalliesDeps {
  sessionId: string
  repo: IngestRepository
  /** Stores a batch (retrying until it is stored). */
  store(batch: IngestBatch): Promise<unknown>
  /** Runs work once the session's running tick is done (ticks and checks never overlap). */
  afterRunning(work: () => Promise<void>, failed: string): void
  /** The public document to correct, opened for the length of `use`. */
  withPublic(use: (doc: Document) => Promise<void>): Promise<void>
  stopped(): boolean
}

/**
 * A session's vote tallies: the counts (from the votes table, plus imported tallies), the
 * questions whose count the next tick writes, and, with several instances, the read-back
 * that corrects a count another instance's commit crossed (see SETTLE_MS).
 */
export class Tallies {
  private counts: Map<string, number> | null = null
  private readonly recount = new Set<string>()
  private readonly readBack: ReadBack

  constructor(private readonly deps: TalliesDeps) {
    this.readBack = new ReadBack({
      ...deps,
      delayMs: SETTLE_MS,
      failed: 'checking tallies again failed',
      // Written again: that write may have crossed another instance's too.
      correct: (doc, ids) => this.correct(doc, new PublicDoc(doc), ids),
    })
  }

  /** Counts are read from the database again before the next tick uses them. */
  invalidate(): void {
    this.counts = null
  }

  /** The tick's working copy of the counts (loaded first when needed). */
  async begin(pub: PublicDoc): Promise<Map<string, number>> {
    if (!this.counts) {
      this.counts = await this.deps.repo.voteCounts(this.deps.sessionId)
      for (const q of pub.questions()) this.recount.add(q.id)
    }
    return new Map(this.counts)
  }

  /**
   * A vote added (`up`) or taken back in the tick's working copy. Exact, never clamped:
   * a take-back counted from a wrong belief may take a count below zero for a moment, and
   * the correction after the commit (afterCommit) must bring it back to the table's.
   */
  vote(counts: Map<string, number>, questionId: string, up: boolean): void {
    counts.set(questionId, (counts.get(questionId) ?? 0) + (up ? 1 : -1))
    this.recount.add(questionId)
  }

  /** The tally step: writes the counts that changed; returns the ids it took on. */
  write(counts: ReadonlyMap<string, number>, publicOps: Array<(p: PublicDoc) => void>): string[] {
    const ids = [...this.recount]
    this.recount.clear()
    if (ids.length > 0)
      publicOps.push((p) => p.setVoteCounts(ids.map((id) => [id, shown(counts, id)])))
    return ids
  }

  /**
   * The commit said which votes changed a row. Where that differs from what the tick
   * counted (what this instance knew of a user's votes was out of date: another instance
   * decided some since), the working counts follow the table. Returns the questions whose
   * count this changed, for the tick to write before anyone sees the one it wrote.
   */
  afterCommit(counts: Map<string, number>, votes: TickPlan['votes'], stored: Stored): string[] {
    if (votes.length === 0) return []
    const added = new Set(stored.votesAdded.map(voteKey))
    const removed = new Set(stored.votesRemoved.map(voteKey))
    const changed = new Set<string>()
    for (const v of votes) {
      const rowChanged = (v.up ? added : removed).has(voteKey(v))
      if (rowChanged === v.counted) continue
      const delta = (rowChanged ? 1 : -1) * (v.up ? 1 : -1)
      counts.set(v.questionId, (counts.get(v.questionId) ?? 0) + delta)
      changed.add(v.questionId)
    }
    return [...changed]
  }

  giveBack(ids: readonly string[]): void {
    for (const id of ids) this.recount.add(id)
  }

  /** The tick stored: its working copy is the truth now. */
  stored(counts: Map<string, number>): void {
    this.counts = counts
  }

  idle(): boolean {
    return this.readBack.idle()
  }

  stop(): void {
    this.readBack.stop()
  }

  /** After a store with several instances: the database's counts, and a read-back later. */
  async reconcile(pubDoc: Document, pub: PublicDoc, ids: string[]): Promise<void> {
    if (await this.correct(pubDoc, pub, ids)) this.readBack.later(ids)
  }

  /**
   * Tallies from the database, which sees every instance's votes; corrects the document if
   * needed, and says whether it did.
   */
  private async correct(pubDoc: Document, pub: PublicDoc, ids: string[]): Promise<boolean> {
    const fresh = await this.deps.repo.voteCountsFor(this.deps.sessionId, ids)
    const counts = this.counts ?? new Map<string, number>()
    const changed: Array<[string, number]> = []
    for (const id of ids) {
      const value = fresh.get(id) ?? 0
      counts.set(id, value)
      const votes = pub.voteCount(id)
      if (votes !== undefined && votes !== value) changed.push([id, value])
    }
    if (changed.length === 0) return false
    await storePublicCorrection(pubDoc, this.deps.sessionId, this.deps.store, () =>
      pub.setVoteCounts(changed),
    )
    return true
  }
}

/** A count as the room shows it: never below zero, even while a tick's belief is put right. */
export function shown(counts: ReadonlyMap<string, number>, id: string): number {
  return Math.max(0, counts.get(id) ?? 0)
}
