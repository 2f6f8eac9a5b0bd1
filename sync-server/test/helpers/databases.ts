import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestSchema } from '../../../test-support/postgres.ts'
import { type Db, openDatabase } from '../../src/db/connect.ts'

/** The two databases every contract suite runs on. */
export const DIALECTS = ['sqlite', 'postgres'] as const
export type Dialect = (typeof DIALECTS)[number]

/**
 * A fresh, migrated database of `dialect`: SQLite in a folder of its own, Postgres in a
 * schema of its own. `dispose` removes it (after `db.close()`, which is the caller's).
 */
export async function openTestDatabase(
  dialect: Dialect,
): Promise<{ db: Db; dispose: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'podium-db-'))
    const db = await openDatabase({ kind: 'sqlite', file: join(dir, 'podium.sqlite') })
    return { db, dispose: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  const schema = await createTestSchema()
  const db = await openDatabase({ kind: 'postgres', url: schema.url, schema: schema.schema })
  return { db, dispose: () => schema.drop() }
}
