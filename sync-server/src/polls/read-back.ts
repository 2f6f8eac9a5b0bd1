import type { Document } from '@hocuspocus/server'
import { type PollSecret, PublicPolls } from '@podium/shared'
import type { Db } from '../db/connect.ts'
import { ReadBack, storePublicCorrection } from '../ingest/read-back.ts'
import type { IngestBatch } from '../ingest/repository.ts'
import type { StoredAnswer } from './decide.ts'
import { loadAnswers } from './repository.ts'
import { computeResults } from './results.ts'

/**
 * With several instances, how long after a tick stored answers the instance counts the
 * polls again from the table. Reading once per this interval, not once per tick, keeps a
 * 10,000-person poll from reading every answer twenty times a second.
 */
export const POLL_SETTLE_MS = 250

export interface PollReadBackDeps {
  sessionId: string
  db: Db
  store(batch: IngestBatch): Promise<unknown>
  /** Runs work once the session's running tick is done (ticks and read-backs never overlap). */
  afterRunning(work: () => Promise<void>, failed: string): void
  /** The public document, opened for the length of `use`. */
  withPublic(use: (doc: Document) => Promise<void>): Promise<void>
  stopped(): boolean
  /** The staff-only secrets as last read (hidden words, right options); null when unknown. */
  secrets(): ReadonlyMap<string, PollSecret> | null
  /** The instance's answers of a poll are replaced by the table's. */
  replace(pollId: string, answers: Map<string, StoredAnswer>): void
  /** The public results of these polls were corrected: staff's are written again too. */
  corrected(pollIds: string[]): void
}

/**
 * Each instance counts the answers it decided on top of what it last read from the table,
 * so while others take answers too, the results it writes miss theirs. After a tick stored
 * answers, the polls it touched are counted again from the table (which holds every
 * instance's) and the public document corrected; when that corrected anything, once more a
 * moment later, since another instance may have written an older count over it meanwhile
 * (as the vote tallies do, ingest/tallies.ts).
 */
export class PollReadBack {
  private readonly readBack: ReadBack

  constructor(private readonly deps: PollReadBackDeps) {
    this.readBack = new ReadBack({
      ...deps,
      delayMs: POLL_SETTLE_MS,
      failed: 'counting poll results again failed',
      correct: (doc, ids) => this.correct(doc, ids),
    })
  }

  /** Counts these polls again from the table in POLL_SETTLE_MS. */
  later(pollIds: Iterable<string>): void {
    this.readBack.later(pollIds)
  }

  idle(): boolean {
    return this.readBack.idle()
  }

  stop(): void {
    this.readBack.stop()
  }

  /** Results from the table; the document corrected where they differ. Says whether it was. */
  private async correct(pubDoc: Document, ids: string[]): Promise<boolean> {
    const secrets = this.deps.secrets()
    // Without the secrets, hidden words could be shown: the next tick reads them first.
    if (secrets === null) {
      this.later(ids)
      return false
    }
    const fresh = await loadAnswers(this.deps.db, this.deps.sessionId, ids)
    const pub = new PublicPolls(pubDoc)
    const changed: Array<[string, ReturnType<typeof computeResults>]> = []
    for (const id of ids) {
      const answers = fresh.get(id) ?? new Map<string, StoredAnswer>()
      this.deps.replace(id, answers)
      const poll = pub.poll(id)
      if (!poll || !pub.hasResults(id)) continue
      const shown = pub.results(id)
      const times = { openedAt: shown.openedAt, closedAt: shown.closedAt }
      const secret = secrets.get(id) ?? { correct: [], hiddenWords: [] }
      const results = computeResults(poll, answers.values(), times, secret)
      if (JSON.stringify(results) !== JSON.stringify(shown)) changed.push([id, results])
    }
    if (changed.length === 0) return false
    await storePublicCorrection(pubDoc, this.deps.sessionId, this.deps.store, () => {
      for (const [id, results] of changed) pub.setResults(id, results)
    })
    this.deps.corrected(changed.map(([id]) => id))
    return true
  }
}
