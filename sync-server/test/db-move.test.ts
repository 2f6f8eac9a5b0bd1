import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath, resolve } from 'node:path'
import { promisify } from 'node:util'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request, startPodium } from '../../test-support/podium.ts'
import { createTestSchema, type TestSchema } from '../../test-support/postgres.ts'
import { openDatabase } from '../src/db/connect.ts'
import { createSession, join, TestClient, waitFor } from './helpers/clients.ts'

// The move from SQLite to Postgres a self-hoster makes when one machine is not enough: a
// session run on `npm start`'s SQLite, moved with the real command, goes on on Postgres.

const root = resolve(import.meta.dirname, '../..')
const run = promisify(execFile)

/** Runs `npm run db:move-to-postgres -- …`'s script; its exit code, output and errors. */
async function move(...args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'sync-server/src/db/move-cli.ts', ...args],
      { cwd: root, env: { ...process.env, DATABASE_URL: '' }, timeout: 60_000 },
    )
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

let dataDir: string
let schema: TestSchema
let session: { id: string; code: string; hostToken: string }
let question: string

beforeAll(async () => {
  dataDir = mkdtempSync(joinPath(tmpdir(), 'podium-move-'))
  schema = await createTestSchema()
  const before = await startPodium({}, { dataDir, keepData: true })
  try {
    session = await createSession(before.url, { title: 'Moved to Postgres' })
    const a = new TestClient(before.syncUrl, await join(before.url, session.code, 'Ana'))
    const b = new TestClient(before.syncUrl, await join(before.url, session.code, 'Bo'))
    await Promise.all([a.synced(), b.synced()])
    question = a.outbox.ask('Does it survive the move?').questionId
    await waitFor(() => b.public.question(question) !== undefined, 20_000, 'published')
    b.outbox.vote(question, true)
    await waitFor(() => a.public.question(question)?.votes === 1, 20_000, 'vote counted')
    a.destroy()
    b.destroy()
  } finally {
    await before.close()
  }
}, 120_000)

afterAll(async () => {
  await schema?.drop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('npm run db:move-to-postgres', () => {
  it('copies every row, and the session goes on on Postgres', async () => {
    const file = joinPath(dataDir, 'podium.sqlite')
    const moved = await move('--from', file, '--to', schema.url, '--schema', schema.schema)
    expect(moved.stderr).toBe('')
    expect(moved.code).toBe(0)
    expect(moved.stdout).toMatch(/^Moved \d+ rows in \d+ tables/m)

    // Every table holds what the SQLite file holds.
    const sqlite = new SQLite(file, { readonly: true })
    const tables = (
      sqlite
        .prepare(
          "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'",
        )
        .all() as Array<{ name: string }>
    ).map((r) => r.name)
    const pg = await openDatabase({ kind: 'postgres', url: schema.url, schema: schema.schema })
    try {
      for (const table of tables) {
        const { n } = sqlite.prepare(`select count(*) as n from "${table}"`).get() as { n: number }
        const { rows } = await sql<{
          n: number
        }>`select count(*)::int as n from ${sql.table(table)}`.execute(pg.kysely)
        expect(rows[0]?.n, table).toBe(n)
      }
    } finally {
      sqlite.close()
      await pg.close()
    }

    const after = await startPodium({ DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema })
    try {
      // The session, its question and its vote, read from Postgres.
      const got = await request<{ title: string }>(`${after.url}/api/sessions/${session.id}`, {
        token: session.hostToken,
      })
      expect(got.status).toBe(200)
      expect(got.body.title).toBe('Moved to Postgres')
      const c = new TestClient(after.syncUrl, await join(after.url, session.code, 'Cy'))
      try {
        await c.synced()
        await waitFor(() => c.public.question(question)?.votes === 1, 20_000, 'the moved vote')
        expect(c.public.question(question)?.text).toBe('Does it survive the move?')
        // New rows take ids after the moved ones (the sequences were moved on).
        c.outbox.ask('Asked after the move')
        await waitFor(() => c.public.questions().length === 2, 20_000, 'a new question')
        expect((await createSession(after.url, { title: 'New on Postgres' })).id).toBeTruthy()
      } finally {
        c.destroy()
      }
    } finally {
      await after.close()
    }
  }, 120_000)

  it('refuses a database that has rows already, and leaves it as it was', async () => {
    const again = await move(
      '--from',
      joinPath(dataDir, 'podium.sqlite'),
      '--to',
      schema.url,
      '--schema',
      schema.schema,
    )
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/already has rows in \w+: move into an empty database/)
  }, 60_000)

  it('says what is wrong with a missing file or a URL that is not Postgres', async () => {
    const missing = await move('--from', joinPath(dataDir, 'nothing.sqlite'), '--to', schema.url)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/There is no SQLite database at .*nothing\.sqlite/)
    const notPostgres = await move('--to', 'mysql://localhost/podium')
    expect(notPostgres.code).toBe(2)
    expect(notPostgres.stderr).toMatch(/--to must be a postgres:\/\/ URL/)
    const unknown = await move('--form', 'x')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/Usage: npm run db:move-to-postgres/)
  }, 60_000)
})
