import { existsSync } from 'node:fs'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { type Db, openDatabase } from './connect.ts'

/** Rows copied per insert: well under Postgres's 65,535 parameters for our widest table. */
const BATCH = 500

export interface MoveReport {
  /** Rows copied, per table, in the order they were copied. */
  tables: Array<{ table: string; rows: number }>
  ms: number
}

export class MoveError extends Error {}

/**
 * Copies a Podium SQLite database into an empty Postgres one, for a self-hoster who
 * started with `npm start` and now runs several instances. Both are migrated to the same
 * version first (the SQLite file by the Podium that runs this, so an older file is brought
 * up to date), then every table is copied in one Postgres transaction, parents before the
 * tables that refer to them, and the id sequences are moved past the copied ids. Nothing
 * is written to the SQLite file beyond its migrations; a failure leaves Postgres empty.
 */
export async function moveSqliteToPostgres(
  from: { file: string },
  to: { url: string; schema?: string },
  onTable: (table: string, rows: number) => void = () => {},
): Promise<MoveReport> {
  const started = Date.now()
  if (!existsSync(from.file))
    throw new MoveError(`There is no SQLite database at ${from.file}; give the podium.sqlite file.`)
  const source = await openDatabase({ kind: 'sqlite', file: from.file })
  await source.close()
  const raw = new SQLite(from.file, { readonly: true, fileMustExist: true })
  let target: Db | undefined
  try {
    try {
      target = await openDatabase({ kind: 'postgres', ...to })
    } catch (error) {
      throw new MoveError(`Could not open the Postgres database: ${(error as Error).message}`)
    }
    const tables = copyOrder(raw)
    const occupied = await firstWithRows(target, tables)
    if (occupied)
      throw new MoveError(
        `The Postgres database already has rows in ${occupied}: move into an empty database (a new one, or one just created by Podium's migrations).`,
      )
    const report: MoveReport = { tables: [], ms: 0 }
    await target.kysely.transaction().execute(async (trx) => {
      for (const table of tables) {
        let rows = 0
        const select = raw.prepare(`select * from "${table}"`)
        let batch: Record<string, unknown>[] = []
        const flush = async () => {
          if (batch.length === 0) return
          // biome-ignore lint/suspicious/noExplicitAny: the table is only known at run time
          await trx
            .insertInto(table as any)
            .values(batch as any)
            .execute()
          rows += batch.length
          batch = []
        }
        for (const row of select.iterate() as Iterable<Record<string, unknown>>) {
          batch.push(row)
          if (batch.length === BATCH) await flush()
        }
        await flush()
        await advanceSequences(trx, table)
        report.tables.push({ table, rows })
        onTable(table, rows)
      }
    })
    report.ms = Date.now() - started
    return report
  } finally {
    raw.close()
    await target?.close()
  }
}

/** Podium's tables (not SQLite's own or the migrator's), each after those it refers to. */
function copyOrder(raw: SQLite.Database): string[] {
  const names = (
    raw
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name",
      )
      .all() as Array<{ name: string }>
  ).map((r) => r.name)
  const parents = new Map(
    names.map((name) => [
      name,
      (raw.prepare(`pragma foreign_key_list("${name}")`).all() as Array<{ table: string }>)
        .map((fk) => fk.table)
        .filter((parent) => parent !== name),
    ]),
  )
  const ordered: string[] = []
  const visit = (name: string, path: Set<string>) => {
    if (ordered.includes(name)) return
    if (path.has(name)) throw new MoveError(`Tables refer to each other in a loop at ${name}.`)
    path.add(name)
    for (const parent of parents.get(name) ?? []) visit(parent, path)
    path.delete(name)
    ordered.push(name)
  }
  for (const name of names) visit(name, new Set())
  return ordered
}

async function firstWithRows(db: Db, tables: string[]): Promise<string | null> {
  for (const table of tables) {
    const { rows } = await sql<{
      one: number
    }>`select 1 as one from ${sql.table(table)} limit 1`.execute(db.kysely)
    if (rows.length > 0) return table
  }
  return null
}

/** Every serial column of the table continues after the largest id copied into it. */
async function advanceSequences(trx: Db['kysely'], table: string): Promise<void> {
  const { rows } = await sql<{ column_name: string; sequence: string | null }>`
    select column_name, pg_get_serial_sequence(${table}, column_name) as sequence
    from information_schema.columns
    where table_name = ${table} and table_schema = current_schema()`.execute(trx)
  for (const { column_name: column, sequence } of rows) {
    if (!sequence) continue
    await sql`select setval(${sequence}, coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 1), (select count(*) > 0 from ${sql.table(table)}))`.execute(
      trx,
    )
  }
}
