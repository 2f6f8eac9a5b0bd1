import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POSTGRES_URL } from '../../test-support/postgres.ts'
import { type Db, openDatabase } from '../src/db/connect.ts'

// The backups service's scripts (deploy/backups), run against a real Postgres database
// that Podium's migrations have created: dump, prune, restore check, restore.

const scripts = resolve(import.meta.dirname, '../../deploy/backups')
const serverUrl = POSTGRES_URL
const database = `podium_backup_${process.pid}_${Date.now().toString(36)}`
let dir: string
let db: Db

/** The libpq variables the scripts read, pointing at the test's own database. */
function libpqEnv(): Record<string, string> {
  const url = new URL(serverUrl)
  return {
    PATH: process.env.PATH ?? '',
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username || 'postgres'),
    PGPASSWORD: decodeURIComponent(url.password),
    PGDATABASE: database,
    BACKUP_DIR: join(dir, 'dumps'),
  }
}

function run(script: string, args: string[] = [], env: Record<string, string> = {}) {
  const result = spawnSync('sh', [join(scripts, script), ...args], {
    env: { ...libpqEnv(), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { code: result.status, output: `${result.stdout}${result.stderr}` }
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

const dumps = () =>
  readdirSync(join(dir, 'dumps'))
    .filter((f) => f.endsWith('.dump'))
    .sort()
const sessionCount = async () => {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from sessions`.execute(
    db.kysely,
  )
  return rows[0]!.n
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'podium-backups-'))
  await admin((c) => c.query(`create database ${database}`))
  const url = new URL(serverUrl)
  url.pathname = `/${database}`
  db = await openDatabase({ kind: 'postgres', url: url.toString() })
  const now = Date.now()
  await db.kysely
    .insertInto('sessions')
    .values({
      id: 'backup-session-1',
      code: 'BKP234',
      title: 'Kept by the backup',
      host_user_id: 'backup-host-1',
      status: 'live',
      settings: '{}',
      created_at: now,
      updated_at: now,
    })
    .execute()
}, 60_000)

afterAll(async () => {
  await db?.close()
  await admin((c) => c.query(`drop database if exists ${database} with (force)`))
  await admin((c) => c.query(`drop database if exists ${database}_restore_check with (force)`))
  if (dir) rmSync(dir, { recursive: true, force: true })
}, 60_000)

describe('deploy/backups', () => {
  it('dumps the database and proves the dump restores', () => {
    const { code, output } = run('backup.sh')
    expect(code, output).toBe(0)
    expect(dumps()).toHaveLength(1)
    const status = readFileSync(join(dir, 'dumps', 'last-restore-check'), 'utf8')
    expect(status).toMatch(/^ok .+ sessions=1 /)
    expect(output).toContain('restore-check: ok')
  })

  it('keeps only the newest BACKUP_KEEP dumps', () => {
    const older = ['20240101T000000Z', '20250101T000000Z'].map(
      (stamp) => `${database}-${stamp}.dump`,
    )
    // The earlier test's dump is stamped to the second, like the one made below: date it
    // back so the two cannot share a name when both run within one second.
    const [earlier] = dumps()
    renameSync(
      join(dir, 'dumps', earlier!),
      join(dir, 'dumps', `${database}-20260101T000000Z.dump`),
    )
    for (const name of older) writeFileSync(join(dir, 'dumps', name), 'an older dump')
    expect(dumps()).toHaveLength(3)
    const { code, output } = run('backup.sh', [], { BACKUP_KEEP: '2' })
    expect(code, output).toBe(0)
    const kept = dumps()
    expect(kept).toHaveLength(2)
    expect(kept).not.toContain(older[0])
    expect(kept.filter((name) => older.includes(name))).toEqual([])
  })

  it('refuses a BACKUP_KEEP that is not a positive number', () => {
    const { code, output } = run('backup.sh', [], { BACKUP_KEEP: 'all' })
    expect(code).not.toBe(0)
    expect(output).toContain('BACKUP_KEEP must be a whole number')
  })

  it('reports a dump that does not restore, and records the failure', () => {
    const broken = join(dir, 'dumps', `${database}-29991231T000000Z.dump`)
    writeFileSync(broken, 'not a dump')
    const { code, output } = run('restore-check.sh')
    rmSync(broken)
    expect(code).not.toBe(0)
    expect(output).toContain('restore-check: FAILED')
    expect(readFileSync(join(dir, 'dumps', 'last-restore-check'), 'utf8')).toMatch(/^failed /)
  })

  it('restores a dump over the live database', async () => {
    await db.kysely.deleteFrom('sessions').execute()
    expect(await sessionCount()).toBe(0)
    const latest = join(dir, 'dumps', dumps().at(-1)!)
    const { code, output } = run('restore.sh', [latest])
    expect(code, output).toBe(0)
    expect(await sessionCount()).toBe(1)
  })
})
