import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventPages } from '../src/analytics/report/export.ts'
import type { Db } from '../src/db/connect.ts'
import { DIALECTS, openTestDatabase } from './helpers/databases.ts'

// A raw-event export reads a short first page (so the download starts after one short
// query), then pages of 250, and ends with the session's last event, in order.

describe.each(DIALECTS)('raw-event export pages on %s', (dialect) => {
  let db: Db
  let dispose: () => Promise<void>
  beforeAll(async () => {
    ;({ db, dispose } = await openTestDatabase(dialect))
    const rows = Array.from({ length: 700 }, (_, i) => ({
      seq: i + 1,
      session_id: i % 2 === 0 ? 'session-a' : 'session-b',
      at: 1_000 + i,
      minute: 0,
      kind: 'vote',
      participant_id: `p-${i}`,
      subject_id: null,
      value: null,
      detail: null,
    }))
    for (let i = 0; i < rows.length; i += 100)
      await db.kysely
        .insertInto('analytics_events')
        .values(rows.slice(i, i + 100))
        .execute()
  })
  afterAll(async () => {
    await db.close()
    await dispose()
  })

  it('[AN-30] pages of 100, then 250, every event of the session once, in order', async () => {
    const sizes: number[] = []
    const seqs: number[] = []
    for await (const page of eventPages(db, 'session-a', {})) {
      sizes.push(page.length)
      seqs.push(...page.map((r) => Number(r.seq)))
    }
    expect(sizes).toEqual([100, 250])
    expect(seqs).toEqual(Array.from({ length: 350 }, (_, i) => 2 * i + 1))
  })
})
