import { afterAll, describe, expect, it } from 'vitest'
import { startPodium, type TestPodium } from '../../test-support/podium.ts'
import { until } from '../../test-support/processes.ts'
import { PrivatePostgres } from '../../test-support/stack.ts'

// A Postgres of the test's own, stopped and started again under a running server: the
// server says it is not ready meanwhile, and is ready again without a restart of its own.

let postgres: PrivatePostgres | undefined
let server: TestPodium | undefined
afterAll(async () => {
  await server?.close()
  await postgres?.remove()
})

const readyz = (url: string) =>
  fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.status,
    () => 0,
  )

describe('Postgres restarting', () => {
  it('turns /readyz 503 and back to 200, and the process lives through it', async () => {
    postgres = await PrivatePostgres.start()
    server = await startPodium({ DATABASE_URL: postgres.url })
    const url = server.url
    expect(await readyz(url)).toBe(200)
    await postgres.stop()
    await until(
      async () => (await readyz(url)) === 503,
      '/readyz 503 without Postgres',
      20_000,
      100,
    )
    await postgres.start()
    await until(async () => (await readyz(url)) === 200, '/readyz 200 again', 30_000, 100)
    const created = await fetch(`${url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'After the restart' }),
    })
    expect(created.status).toBe(201)
  }, 90_000)
})

describe('a connection ended under a checked-out client', () => {
  it('fails that transaction and nothing else: no uncaught error, the next query works', async () => {
    const { openTestDatabase } = await import('./helpers/databases.ts')
    const { sql } = await import('kysely')
    const { db, dispose } = await openTestDatabase('postgres')
    const uncaught: unknown[] = []
    const onUncaught = (error: unknown) => uncaught.push(error)
    process.on('uncaughtException', onUncaught)
    try {
      // A transaction holds its client between statements; Postgres ends that backend
      // meanwhile, as a restart or an administrator would.
      const failed = db.kysely
        .transaction()
        .execute(async (trx) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)
          await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(db.kysely)
          await new Promise((r) => setTimeout(r, 200))
          await sql`select 1`.execute(trx)
        })
        .then(
          () => 'committed',
          () => 'failed',
        )
      expect(await failed).toBe('failed')
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db.kysely)
      expect(rows[0]!.one).toBe(1)
      expect(uncaught).toEqual([])
    } finally {
      process.off('uncaughtException', onUncaught)
      await db.close()
      await dispose()
    }
  })
})
