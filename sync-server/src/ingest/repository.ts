import type { AuditEntry } from '@podium/shared'
import type { Transaction } from 'kysely'
import { AUDIT_INSERT_CHUNK, auditRows } from '../audit/log.ts'
import type { Db } from '../db/connect.ts'
import type { Database } from '../db/schema.ts'
import { EventLog } from '../events/log.ts'
import { type EventDraft, EventType } from '../events/types.ts'
import { type PollAnswerRow, writeAnswers } from '../polls/repository.ts'

/** What the ingest has decided for one user in one session, as stored. */
export interface UserState {
  /** entry id → decision (votes are not here: the votes table is their state). */
  decided: Map<string, Decided>
  /** Questions this user has a vote on. */
  votes: Set<string>
  name: string | null
}

export interface Decided {
  seq: number
  status: 'accepted' | 'pending' | 'rejected'
  reason: string | null
  detail: string | null
}

/** An entry's author and what was decided for it. */
export interface EntryAuthor extends Decided {
  userId: string
}

/** One user's vote on one question. */
export interface VoteKey {
  userId: string
  questionId: string
}

/**
 * A vote as decided: `seq` is the version of the user's vote entry. A version older than
 * one whose effect is stored already (decided by another instance, which committed first)
 * changes nothing. Without `seq` (an import), the vote is applied as it is.
 */
export interface WantedVote extends VoteKey {
  seq?: number
}

export interface IngestBatch {
  /**
   * Decisions to store. `first`: the outbox step's first decision of an entry, stored only if
   * the entry has none yet (another instance may have decided it meanwhile); the others (a
   * moderator's decision on a queued item) replace the one stored.
   */
  decided: Array<{ userId: string; entryId: string; first?: boolean } & Decided>
  /**
   * Votes the users want up and taken back, decided against the table in the commit: a row
   * is added or removed only if it is not so already, whatever the deciding instance
   * believed (see VotesChanged).
   */
  votesAdded: WantedVote[]
  votesRemoved: WantedVote[]
  /** Poll answers (and quiz points) to write: see polls/. */
  pollAnswers: PollAnswerRow[]
  /** Document updates the ingest made, stored in the same transaction as its decisions. */
  updates: Array<{ name: string; update: Uint8Array }>
  /** Audit entries (decisions carried out, timer commands, staff changes). */
  audit: AuditEntry[]
  /** What happened, for the event seam: stored in the same transaction (see events/). */
  events: EventDraft[]
}

export const emptyBatch = (): IngestBatch => ({
  decided: [],
  votesAdded: [],
  votesRemoved: [],
  pollAnswers: [],
  updates: [],
  audit: [],
  events: [],
})

/** What a commit did to the table, as opposed to what the batch asked for. */
export interface Stored {
  /** Votes whose row the commit added or removed (a vote already so is in neither). */
  votesAdded: VoteKey[]
  votesRemoved: VoteKey[]
  /**
   * Votes that changed nothing because a newer version of them is in the table already
   * (decided elsewhere, or an older copy of the entry decided late): the row is as that
   * newer version left it, which may not be what this one wanted.
   */
  votesOutdated: VoteKey[]
  /** First decisions not stored: the entry had one already, which stands. */
  decidedBefore: Array<{ userId: string; entryId: string }>
}

export const nothingStored = (): Stored => ({
  votesAdded: [],
  votesRemoved: [],
  votesOutdated: [],
  decidedBefore: [],
})

export const voteKey = (v: VoteKey) => `${v.userId}\u0000${v.questionId}`

/** Users read in one round of queries (SQLite allows 32,766 bound values; Postgres 65,535). */
const LOAD_CHUNK = 500
/** Document updates per INSERT: three parameters a row, far below either database's limit. */
const UPDATE_INSERT_CHUNK = 200

/** The ingest's reads and its one write per tick. */
export class IngestRepository {
  private readonly events: EventLog

  constructor(private readonly db: Db) {
    this.events = new EventLog(db)
  }

  async loadUser(sessionId: string, userId: string): Promise<UserState> {
    const states = await this.loadUsers(sessionId, [userId])
    return states.get(userId) ?? { decided: new Map(), votes: new Set(), name: null }
  }

  /**
   * Several users' states in three queries per LOAD_CHUNK users, not three per user: a
   * poll storm brings thousands of authors whose first entry arrives in the same ticks.
   * Every id asked for has a state (empty for someone the database has nothing of).
   */
  async loadUsers(sessionId: string, userIds: string[]): Promise<Map<string, UserState>> {
    const states = new Map<string, UserState>()
    for (const userId of userIds)
      states.set(userId, { decided: new Map(), votes: new Set(), name: null })
    for (let i = 0; i < userIds.length; i += LOAD_CHUNK) {
      const chunk = userIds.slice(i, i + LOAD_CHUNK)
      const [rows, votes, users] = await this.loadChunk(sessionId, chunk)
      for (const r of rows)
        states.get(r.user_id)?.decided.set(r.entry_id, {
          seq: Number(r.seq),
          status: r.status as Decided['status'],
          reason: r.reason,
          detail: r.detail,
        })
      for (const v of votes) states.get(v.user_id)?.votes.add(v.question_id)
      for (const u of users) {
        const state = states.get(u.id)
        if (state) state.name = u.name ?? null
      }
    }
    return states
  }

  private loadChunk(sessionId: string, userIds: string[]) {
    const k = this.db.kysely
    return Promise.all([
      k
        .selectFrom('ingested')
        .select(['user_id', 'entry_id', 'seq', 'status', 'reason', 'detail'])
        .where('session_id', '=', sessionId)
        .where('user_id', 'in', userIds)
        .execute(),
      k
        .selectFrom('votes')
        .select(['user_id', 'question_id'])
        .where('session_id', '=', sessionId)
        .where('user_id', 'in', userIds)
        .execute(),
      k.selectFrom('users').select(['id', 'name']).where('id', 'in', userIds).execute(),
    ])
  }

  /**
   * Who wrote entries with these ids in the session, and what was decided for each. An
   * entry id belongs to one author (a new question or reply with another author's id is
   * refused), so this is also who asked a question that names nobody.
   */
  async authorsOf(sessionId: string, entryIds: string[]): Promise<Map<string, EntryAuthor[]>> {
    const found = new Map<string, EntryAuthor[]>()
    for (const ids of chunks(entryIds, 300)) {
      const rows = await this.db.kysely
        .selectFrom('ingested')
        .select(['entry_id', 'user_id', 'seq', 'status', 'reason', 'detail'])
        .where('session_id', '=', sessionId)
        .where('entry_id', 'in', ids)
        .execute()
      for (const r of rows) {
        const author: EntryAuthor = {
          userId: r.user_id,
          seq: Number(r.seq),
          status: r.status as Decided['status'],
          reason: r.reason,
          detail: r.detail,
        }
        const list = found.get(r.entry_id)
        if (list) list.push(author)
        else found.set(r.entry_id, [author])
      }
    }
    return found
  }

  /** Votes per question: the votes table plus any tally an imported session brought. */
  async voteCounts(sessionId: string): Promise<Map<string, number>> {
    const [rows, imported] = await Promise.all([
      this.db.kysely
        .selectFrom('votes')
        .select(['question_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('session_id', '=', sessionId)
        .groupBy('question_id')
        .execute(),
      this.db.kysely
        .selectFrom('imported_votes')
        .select(['question_id', 'votes'])
        .where('session_id', '=', sessionId)
        .execute(),
    ])
    const counts = new Map(rows.map((r) => [r.question_id, Number(r.n)]))
    for (const r of imported)
      counts.set(r.question_id, (counts.get(r.question_id) ?? 0) + Number(r.votes))
    return counts
  }

  /** Votes for some questions only (the same sum as voteCounts), for recounts after a commit. */
  async voteCountsFor(sessionId: string, questionIds: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>()
    for (let i = 0; i < questionIds.length; i += 500) {
      const ids = questionIds.slice(i, i + 500)
      const [rows, imported] = await Promise.all([
        this.db.kysely
          .selectFrom('votes')
          .select(['question_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('session_id', '=', sessionId)
          .where('question_id', 'in', ids)
          .groupBy('question_id')
          .execute(),
        this.db.kysely
          .selectFrom('imported_votes')
          .select(['question_id', 'votes'])
          .where('session_id', '=', sessionId)
          .where('question_id', 'in', ids)
          .execute(),
      ])
      for (const r of rows) counts.set(r.question_id, Number(r.n))
      for (const r of imported)
        counts.set(r.question_id, (counts.get(r.question_id) ?? 0) + Number(r.votes))
    }
    return counts
  }

  /**
   * Stores a tick's decisions, votes and document updates atomically, and says what it
   * changed. Votes are decided against the table here, in the transaction: an up vote adds
   * the row only if it is not there, a take-back removes it only if it is; what the
   * instance remembered of the user's votes (possibly stale: another instance may have
   * decided their votes since) decides nothing. The `vote.counted` events are those of
   * the rows that changed.
   */
  async commit(sessionId: string, batch: IngestBatch): Promise<Stored> {
    const stored = nothingStored()
    if (
      batch.decided.length === 0 &&
      batch.votesAdded.length === 0 &&
      batch.votesRemoved.length === 0 &&
      batch.pollAnswers.length === 0 &&
      batch.updates.length === 0 &&
      batch.audit.length === 0 &&
      batch.events.length === 0
    ) {
      return stored
    }
    const now = Date.now()
    await this.db.kysely.transaction().execute(async (trx) => {
      // A retried commit starts again from nothing.
      Object.assign(stored, nothingStored())
      const row = (d: IngestBatch['decided'][number]) => ({
        session_id: sessionId,
        user_id: d.userId,
        entry_id: d.entryId,
        seq: d.seq,
        status: d.status,
        reason: d.reason,
        detail: d.detail,
        created_at: now,
      })
      // Rows in one order on every instance: two commits of the same session that meet on
      // rows then wait for each other in turn instead of deadlocking.
      const decided = [...batch.decided].sort(byEntry)
      const firsts = decided.filter((d) => d.first)
      for (const chunk of chunks(firsts, 200)) {
        const inserted = await trx
          .insertInto('ingested')
          .values(chunk.map(row))
          .onConflict((oc) => oc.columns(['session_id', 'user_id', 'entry_id']).doNothing())
          .returning(['user_id', 'entry_id'])
          .execute()
        const done = new Set(inserted.map((r) => `${r.user_id}\u0000${r.entry_id}`))
        for (const d of chunk)
          if (!done.has(`${d.userId}\u0000${d.entryId}`))
            stored.decidedBefore.push({ userId: d.userId, entryId: d.entryId })
      }
      for (const chunk of chunks(
        decided.filter((d) => !d.first),
        200,
      )) {
        await trx
          .insertInto('ingested')
          .values(chunk.map(row))
          .onConflict((oc) =>
            oc.columns(['session_id', 'user_id', 'entry_id']).doUpdateSet((eb) => ({
              seq: eb.ref('excluded.seq'),
              status: eb.ref('excluded.status'),
              reason: eb.ref('excluded.reason'),
              detail: eb.ref('excluded.detail'),
            })),
          )
          .execute()
      }
      const current = await newestVersions(trx, sessionId, [
        ...batch.votesAdded,
        ...batch.votesRemoved,
      ])
      for (const v of [...batch.votesAdded, ...batch.votesRemoved])
        if (!current(v)) stored.votesOutdated.push({ userId: v.userId, questionId: v.questionId })
      for (const chunk of chunks(batch.votesAdded.filter(current).sort(byVote), 300)) {
        const added = await trx
          .insertInto('votes')
          .values(
            chunk.map((v) => ({
              session_id: sessionId,
              question_id: v.questionId,
              user_id: v.userId,
              created_at: now,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .returning(['user_id', 'question_id'])
          .execute()
        for (const r of added)
          stored.votesAdded.push({ userId: r.user_id, questionId: r.question_id })
      }
      for (const v of batch.votesRemoved.filter(current).sort(byVote)) {
        const removed = await trx
          .deleteFrom('votes')
          .where('session_id', '=', sessionId)
          .where('question_id', '=', v.questionId)
          .where('user_id', '=', v.userId)
          .returning(['user_id'])
          .execute()
        if (removed.length > 0)
          stored.votesRemoved.push({ userId: v.userId, questionId: v.questionId })
      }
      await writeAnswers(
        trx,
        sessionId,
        [...batch.pollAnswers].sort(
          (a, b) => compare(a.pollId, b.pollId) || compare(a.userId, b.userId),
        ),
      )
      // Many rows a statement: a storm's tick holds a receipt for each author's outbox, and
      // a statement per row cost more than the rows.
      for (const chunk of chunks(batch.updates, UPDATE_INSERT_CHUNK)) {
        await trx
          .insertInto('document_updates')
          .values(chunk.map((u) => ({ name: u.name, data: u.update, created_at: now })))
          .execute()
      }
      for (const chunk of chunks(batch.audit, AUDIT_INSERT_CHUNK)) {
        await trx.insertInto('audit_log').values(auditRows(sessionId, chunk)).execute()
      }
      // Last, so the events' lock (see EventLog) is held for the shortest time.
      await this.events.append(trx, countedOnly(batch.events, stored))
    })
    return stored
  }
}

/**
 * Records each vote's version as the newest of its user and question, where it is newer
 * than the one recorded; says which votes are so (those without a version too). Another
 * instance's commit of the same row waits for this transaction, so of two versions decided
 * on two instances at once, the older one changes nothing whichever commits last.
 */
async function newestVersions(
  trx: Transaction<Database>,
  sessionId: string,
  votes: WantedVote[],
): Promise<(v: WantedVote) => boolean> {
  // One row per user and question (the newest asked for), so no statement meets a key twice.
  const asked = new Map<string, number>()
  for (const v of votes)
    if (v.seq !== undefined) asked.set(voteKey(v), Math.max(v.seq, asked.get(voteKey(v)) ?? 0))
  const newest = new Set<string>()
  const rows = [...asked]
    .sort(([a], [b]) => compare(a, b))
    .map(([key, seq]) => {
      const [userId, questionId] = key.split('\u0000') as [string, string]
      return { session_id: sessionId, user_id: userId, question_id: questionId, seq }
    })
  for (const chunk of chunks(rows, 300)) {
    const recorded = await trx
      .insertInto('vote_versions')
      .values(chunk)
      .onConflict((oc) =>
        oc
          .columns(['session_id', 'user_id', 'question_id'])
          .doUpdateSet((eb) => ({ seq: eb.ref('excluded.seq') }))
          .whereRef('vote_versions.seq', '<', 'excluded.seq'),
      )
      .returning(['user_id', 'question_id', 'seq'])
      .execute()
    for (const r of recorded)
      newest.add(`${voteKey({ userId: r.user_id, questionId: r.question_id })}@${Number(r.seq)}`)
  }
  return (v) => v.seq === undefined || newest.has(`${voteKey(v)}@${v.seq}`)
}

/** The events, with a `vote.counted` only for a row the commit changed. */
function countedOnly(events: EventDraft[], stored: Stored): EventDraft[] {
  if (!events.some((e) => e.type === EventType.voteCounted)) return events
  const added = new Set(stored.votesAdded.map(voteKey))
  const removed = new Set(stored.votesRemoved.map(voteKey))
  return events.filter(
    (e) => e.type !== EventType.voteCounted || (e.up ? added : removed).has(voteKey(e)),
  )
}

/** Code-unit order: the same on every instance, whatever the locale. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const byEntry = (a: { userId: string; entryId: string }, b: { userId: string; entryId: string }) =>
  compare(a.userId, b.userId) || compare(a.entryId, b.entryId)
const byVote = (a: VoteKey, b: VoteKey) => compare(voteKey(a), voteKey(b))

function* chunks<T>(list: T[], size: number): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size)
}
