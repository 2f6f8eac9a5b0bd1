import type { AuditEntry } from '@podium/shared'
import { AUDIT_INSERT_CHUNK, auditRows } from '../audit/log.ts'
import type { Db } from '../db/connect.ts'
import { EventLog } from '../events/log.ts'
import type { EventDraft } from '../events/types.ts'
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

export interface IngestBatch {
  decided: Array<{ userId: string; entryId: string } & Decided>
  votesAdded: Array<{ userId: string; questionId: string }>
  votesRemoved: Array<{ userId: string; questionId: string }>
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

/** The ingest's reads and its one write per tick. */
export class IngestRepository {
  private readonly events: EventLog

  constructor(private readonly db: Db) {
    this.events = new EventLog(db)
  }

  async loadUser(sessionId: string, userId: string): Promise<UserState> {
    const k = this.db.kysely
    const [rows, votes, user] = await Promise.all([
      k
        .selectFrom('ingested')
        .select(['entry_id', 'seq', 'status', 'reason', 'detail'])
        .where('session_id', '=', sessionId)
        .where('user_id', '=', userId)
        .execute(),
      k
        .selectFrom('votes')
        .select('question_id')
        .where('session_id', '=', sessionId)
        .where('user_id', '=', userId)
        .execute(),
      k.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst(),
    ])
    return {
      decided: new Map(
        rows.map((r) => [
          r.entry_id,
          {
            seq: Number(r.seq),
            status: r.status as Decided['status'],
            reason: r.reason,
            detail: r.detail,
          },
        ]),
      ),
      votes: new Set(votes.map((v) => v.question_id)),
      name: user?.name ?? null,
    }
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

  /** Stores a tick's decisions, votes and document updates atomically. */
  async commit(sessionId: string, batch: IngestBatch): Promise<void> {
    if (
      batch.decided.length === 0 &&
      batch.votesAdded.length === 0 &&
      batch.votesRemoved.length === 0 &&
      batch.pollAnswers.length === 0 &&
      batch.updates.length === 0 &&
      batch.audit.length === 0 &&
      batch.events.length === 0
    ) {
      return
    }
    const now = Date.now()
    await this.db.kysely.transaction().execute(async (trx) => {
      for (const chunk of chunks(batch.decided, 200)) {
        await trx
          .insertInto('ingested')
          .values(
            chunk.map((d) => ({
              session_id: sessionId,
              user_id: d.userId,
              entry_id: d.entryId,
              seq: d.seq,
              status: d.status,
              reason: d.reason,
              detail: d.detail,
              created_at: now,
            })),
          )
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
      for (const chunk of chunks(batch.votesAdded, 300)) {
        await trx
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
          .execute()
      }
      for (const v of batch.votesRemoved) {
        await trx
          .deleteFrom('votes')
          .where('session_id', '=', sessionId)
          .where('question_id', '=', v.questionId)
          .where('user_id', '=', v.userId)
          .execute()
      }
      await writeAnswers(trx, sessionId, batch.pollAnswers)
      for (const u of batch.updates) {
        await trx
          .insertInto('document_updates')
          .values({ name: u.name, data: u.update, created_at: now })
          .execute()
      }
      for (const chunk of chunks(batch.audit, AUDIT_INSERT_CHUNK)) {
        await trx.insertInto('audit_log').values(auditRows(sessionId, chunk)).execute()
      }
      // Last, so the events' lock (see EventLog) is held for the shortest time.
      await this.events.append(trx, batch.events)
    })
  }
}

function* chunks<T>(list: T[], size: number): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size)
}
