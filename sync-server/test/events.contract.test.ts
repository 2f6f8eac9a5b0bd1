import { sql } from 'kysely'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../src/db/connect.ts'
import { EventBus } from '../src/events/bus.ts'
import { EventLog } from '../src/events/log.ts'
import type { DomainEvent, EventDraft } from '../src/events/types.ts'
import { DIALECTS, openTestDatabase } from './helpers/databases.ts'

// The event seam's promises, on both databases: an event exists exactly when the transaction
// that wrote it committed; each subscriber gets every event once, in order, across restarts
// and across instances; a handler's writes and its cursor move together.

const quiet = pino({ level: 'silent' })

const asked = (n: number): EventDraft => ({
  type: 'question.asked',
  sessionId: 'sess01',
  at: 1_000 + n,
  questionId: `q-${n}`,
  authorId: 'alice1',
  queued: false,
})

for (const kind of DIALECTS) {
  const open = () => openTestDatabase(kind)
  describe(`domain events on ${kind}`, () => {
    let db: Db
    let dispose: () => unknown
    const buses: EventBus[] = []
    const bus = () => {
      const b = new EventBus(db, new EventLog(db), quiet, 50)
      buses.push(b)
      return b
    }
    const append = (events: EventDraft[]) =>
      db.kysely.transaction().execute((trx) => new EventLog(db).append(trx, events))

    beforeEach(async () => {
      ;({ db, dispose } = await open())
      await db.kysely.schema
        .createTable('seen')
        .addColumn('subscriber', 'text')
        .addColumn('seq', 'integer')
        .execute()
    })
    afterEach(async () => {
      for (const b of buses.splice(0)) await b.stop()
      await db.close()
      await dispose()
    })

    it('[EV-1] an event written in a transaction that rolls back is never delivered', async () => {
      await db.kysely
        .transaction()
        .execute(async (trx) => {
          await new EventLog(db).append(trx, [asked(1)])
          throw new Error('the store failed')
        })
        .catch(() => {})
      const got: DomainEvent[] = []
      const b = bus()
      b.subscribe('test', async (e) => {
        got.push(e)
      })
      await append([asked(2)])
      b.committed()
      await b.drain()
      expect(got.map((e) => e.type === 'question.asked' && e.questionId)).toEqual(['q-2'])
    })

    it('[EV-2] delivers in order, once, and goes on after a restart without repeating', async () => {
      await append([asked(1), asked(2)])
      await append([asked(3)])
      const first: string[] = []
      const b1 = bus()
      b1.subscribe('test', async (e) => {
        if (e.type === 'question.asked') first.push(e.questionId)
      })
      await b1.drain()
      await b1.stop()
      expect(first).toEqual(['q-1', 'q-2', 'q-3'])

      await append([asked(4)])
      const second: string[] = []
      const b2 = bus()
      b2.subscribe('test', async (e) => {
        if (e.type === 'question.asked') second.push(e.questionId)
      })
      await b2.drain()
      expect(second).toEqual(['q-4'])
      const all = await new EventLog(db).after(0, 10)
      expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => a - b))
      expect(all[0]).toMatchObject({ sessionId: 'sess01', at: 1_001, authorId: 'alice1' })
    })

    it('[EV-3] two instances with one subscriber handle each event once between them', async () => {
      const record =
        (name: string) =>
        async (e: DomainEvent, trx: Parameters<Parameters<EventBus['subscribe']>[1]>[1]) => {
          await sql`insert into seen (subscriber, seq) values (${name}, ${e.seq})`.execute(trx)
        }
      const a = bus()
      const b = bus()
      a.subscribe('shared', record('a'))
      b.subscribe('shared', record('b'))
      for (let i = 0; i < 20; i++) {
        await append([asked(i * 2), asked(i * 2 + 1)])
        a.committed()
        b.committed()
      }
      await Promise.all([a.drain(), b.drain()])
      await a.drain()
      const rows = await sql<{ seq: number }>`select seq from seen order by seq`.execute(db.kysely)
      expect(rows.rows.map((r) => Number(r.seq))).toEqual(
        (await new EventLog(db).after(0, 100)).map((e) => e.seq),
      )
    })

    it('[EV-4] a handler that fails keeps its event: its writes roll back and it comes again', async () => {
      await append([asked(1), asked(2)])
      let failures = 1
      const b = bus()
      b.subscribe('flaky', async (e, trx) => {
        await sql`insert into seen (subscriber, seq) values ('flaky', ${e.seq})`.execute(trx)
        if (e.type === 'question.asked' && e.questionId === 'q-2' && failures-- > 0)
          throw new Error('not now')
      })
      await b.drain()
      const rows = await sql<{ seq: number }>`select seq from seen`.execute(db.kysely)
      expect(rows.rows).toHaveLength(2)
    })

    it('[EV-7] a batch subscriber gets every event once, in order, a batch at a time', async () => {
      await append(Array.from({ length: 450 }, (_, i) => asked(i)))
      const batches: number[][] = []
      let failures = 1
      const b = bus()
      b.subscribeBatch('batches', async (events, trx) => {
        await sql`insert into seen (subscriber, seq) values ('batches', ${events[0]!.seq})`.execute(
          trx,
        )
        // The first try of the second batch fails: its write rolls back with it.
        if (batches.length === 1 && failures-- > 0) throw new Error('not now')
        batches.push(events.map((e) => e.seq))
      })
      await b.drain()
      const seqs = (await new EventLog(db).after(0, 1000)).map((e) => e.seq)
      expect(batches.flat()).toEqual(seqs)
      expect(batches.map((batch) => batch.length)).toEqual([200, 200, 50])
      const rows = await sql<{ seq: number }>`select seq from seen`.execute(db.kysely)
      expect(rows.rows.map((r) => Number(r.seq))).toEqual(batches.map((batch) => batch[0]))
    })

    it('[EV-8] a subscriber with a minimum interval handles what came meanwhile at once', async () => {
      const batches: number[][] = []
      const b = bus()
      b.subscribeBatch(
        'gathered',
        async (events) => {
          batches.push(events.map((e) => e.seq))
        },
        { from: 'start', minIntervalMs: 5_000 },
      )
      await append([asked(1)])
      await b.drain()
      expect(batches).toHaveLength(1)
      // Three commits within the interval: one batch (a drain does not wait it out).
      for (const i of [2, 3, 4]) {
        await append([asked(i)])
        b.committed()
      }
      await b.drain()
      expect(batches.map((batch) => batch.length)).toEqual([1, 3])
    })

    it('[EV-5] a subscriber that starts from now does not get what came before', async () => {
      await append([asked(1)])
      const got: number[] = []
      const b = bus()
      b.subscribe(
        'late',
        async (e) => {
          got.push(e.seq)
        },
        { from: 'now' },
      )
      await b.drain()
      await append([asked(2)])
      b.committed()
      await b.drain()
      expect(got).toHaveLength(1)
    })
  })
}
