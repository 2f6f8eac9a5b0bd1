import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import { Migrator } from 'kysely/migration'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestSchema } from '../../test-support/postgres.ts'
import { EventRecorder } from '../src/analytics/record/record.ts'
import { migrationProvider } from '../src/db/migrations/index.ts'
import type { Database } from '../src/db/schema.ts'
import type { DomainEvent, EventData } from '../src/events/types.ts'
import { DIALECTS, type Dialect } from './helpers/databases.ts'

// Migration 0022 adds each session's engagement counts to `analytics_sessions` and counts
// them for the sessions already recorded. Here a database stops at 0021, gets the rows the
// recorder of that time wrote for a few sessions, and is then migrated: the counts must
// be the ones worked out by hand below, and the recorder must go on from them.

/** The last migration before the counts, and the one that adds them. */
const BEFORE = '0021_analytics_delay_indexes'
const ENGAGEMENT = '0022_analytics_session_engagement'

interface Opened {
  kysely: Kysely<Database>
  migrateTo(name: string): Promise<void>
  dispose(): Promise<void>
}

/** A database of `dialect` with no migration applied yet. */
async function openEmpty(dialect: Dialect): Promise<Opened> {
  let kysely: Kysely<Database>
  let schema: string | undefined
  let drop: () => Promise<void>
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'podium-0022-'))
    kysely = new Kysely({
      dialect: new SqliteDialect({ database: new SQLite(join(dir, 'podium.sqlite')) }),
    })
    drop = async () => rmSync(dir, { recursive: true, force: true })
  } else {
    const created = await createTestSchema()
    schema = created.schema
    const pool = new pg.Pool({ connectionString: created.url, options: `-c search_path=${schema}` })
    kysely = new Kysely({ dialect: new PostgresDialect({ pool }) })
    drop = created.drop
  }
  const migrator = new Migrator({
    db: kysely,
    provider: migrationProvider(dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
  })
  return {
    kysely,
    async migrateTo(name) {
      const { error, results } = await migrator.migrateTo(name)
      if (error) throw error
      expect(results?.every((r) => r.status === 'Success')).toBe(true)
    },
    async dispose() {
      await kysely.destroy()
      await drop()
    },
  }
}

type Flags = {
  seen: number
  present: number
  staff: number
  asked: number
  voted: number
  replied: number
}
const person = (userId: string, flags: Partial<Flags>, firstAt = 1_000) => ({
  user_id: userId,
  first_at: firstAt,
  seen: 0,
  present: 0,
  staff: 0,
  asked: 0,
  voted: 0,
  replied: 0,
  ...flags,
})

/**
 * Each person's row as the recorder left it, with the events that made it. A row is
 * written for anyone an event names: a join or a leave, an ask, a vote, a reply, and
 * the staff member behind a decision, an answer or a status change.
 */
const PEOPLE = {
  // The host came, went live, moderated and answered, and voted once; the count leaves
  // staff out whatever else they did. Present: the host, Ada and Dan.
  'town-hall': [
    person('host', { seen: 1, present: 1, staff: 1, voted: 1 }),
    // A moderator who decided from the console without joining the room.
    person('mod', { staff: 1 }),
    // Joined, asked, voted.
    person('ada', { seen: 1, present: 1, asked: 1, voted: 1 }),
    // Joined, replied, left.
    person('bob', { seen: 1, replied: 1 }),
    // Asked and replied through the API, never joined.
    person('cleo', { seen: 1, asked: 1, replied: 1 }),
    // Joined and voted.
    person('dan', { seen: 1, present: 1, voted: 1 }),
    // Voted without joining.
    person('eve', { seen: 1, voted: 1 }),
    // Joined and left, nothing else.
    person('finn', { seen: 1 }),
    // A leave whose join was lost: a row, never seen.
    person('gus', {}),
    // Joined and asked, then made a moderator who answered: staff.
    person('hana', { seen: 1, present: 0, asked: 1, staff: 1 }),
  ],
  // Nobody joined (asks and votes through the API): no presence, so no session row yet.
  'no-join': [
    person('ivy', { seen: 1, asked: 1 }),
    person('jo', { seen: 1, voted: 1 }),
    person('kai', { seen: 1, voted: 1 }),
    person('host-2', { staff: 1 }),
  ],
  // The host alone in the room.
  'host-only': [person('host-3', { seen: 1, present: 1, staff: 1 })],
} as const

/** The session rows (presence levels) the recorder kept: only where someone joined. */
const LEVELS = [
  { session_id: 'town-hall', present: 3 },
  { session_id: 'host-only', present: 1 },
]

/** Worked out from the comments above: seen, not staff; asked or replied; voted only. */
const EXPECTED = [
  { session_id: 'host-only', present: 1, people: 0, asked_or_replied: 0, voted_only: 0 },
  // ivy, jo, kai; ivy; jo and kai.
  { session_id: 'no-join', present: 0, people: 3, asked_or_replied: 1, voted_only: 2 },
  // ada, bob, cleo, dan, eve, finn; ada, bob, cleo; dan and eve.
  { session_id: 'town-hall', present: 3, people: 6, asked_or_replied: 3, voted_only: 2 },
]

async function sessionRows(kysely: Kysely<Database>) {
  const rows = await kysely
    .selectFrom('analytics_sessions')
    .select(['session_id', 'present', 'people', 'asked_or_replied', 'voted_only'])
    .orderBy('session_id')
    .execute()
  return rows.map((r) => ({
    session_id: r.session_id,
    present: Number(r.present),
    people: Number(r.people),
    asked_or_replied: Number(r.asked_or_replied),
    voted_only: Number(r.voted_only),
  }))
}

for (const dialect of DIALECTS) {
  describe(`migration ${ENGAGEMENT} on ${dialect}`, () => {
    let opened: Opened | undefined
    afterEach(async () => {
      await opened?.dispose()
      opened = undefined
    })

    it("[AN-32] counts each recorded session's people, who took part and who only voted", async () => {
      opened = await openEmpty(dialect)
      const { kysely } = opened
      await opened.migrateTo(BEFORE)
      for (const [sessionId, people] of Object.entries(PEOPLE))
        await kysely
          .insertInto('analytics_participants')
          .values(people.map((p) => ({ session_id: sessionId, ...p })))
          .execute()
      await kysely.insertInto('analytics_sessions').values(LEVELS).execute()

      await opened.migrateTo(ENGAGEMENT)
      expect(await sessionRows(kysely)).toEqual(EXPECTED)

      // The recorder adds to the counts from here: Finn votes (voted only), Gus joins
      // (one more person), Eve asks (from voted only to took part), Jo becomes staff.
      const event = (seq: number, sessionId: string, data: EventData): DomainEvent => ({
        ...data,
        seq,
        sessionId,
        at: 60_000 + seq,
      })
      const events = [
        event(1, 'town-hall', { type: 'vote.counted', questionId: 'q1', userId: 'finn', up: true }),
        event(2, 'town-hall', { type: 'participant.joined', userId: 'gus' }),
        event(3, 'town-hall', {
          type: 'question.asked',
          questionId: 'q2',
          authorId: 'eve',
          queued: false,
        }),
        event(4, 'no-join', { type: 'question.answered', questionId: 'q3', by: 'jo' }),
      ]
      const recorder = new EventRecorder(dialect)
      await kysely.transaction().execute((trx) => recorder.record(events, trx))
      expect(await sessionRows(kysely)).toEqual([
        EXPECTED[0],
        { session_id: 'no-join', present: 0, people: 2, asked_or_replied: 1, voted_only: 1 },
        { session_id: 'town-hall', present: 4, people: 7, asked_or_replied: 4, voted_only: 2 },
      ])
    })
  })
}
