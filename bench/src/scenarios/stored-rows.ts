import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseDocumentName } from '@podium/shared'
import SQLite from 'better-sqlite3'
import type { Metric } from '../harness/context.ts'

/**
 * How Podium's documents sit in its SQLite store: rows (stored updates) per document.
 * Loading a document merges all its rows, so their number is what a cold load costs.
 */
export function storedRows(dataDir: string): Record<string, Metric> {
  const file = join(dataDir, 'podium.sqlite')
  if (!existsSync(file)) return {}
  const db = new SQLite(file, { readonly: true, fileMustExist: true })
  try {
    const rows = db
      .prepare(
        'select name, count(*) as n, sum(length(data)) as bytes from document_updates group by name',
      )
      .all() as Array<{ name: string; n: number; bytes: number }>
    const by = { public: [] as number[], mod: [] as number[], outbox: [] as number[] }
    for (const row of rows) {
      const kind = parseDocumentName(row.name)?.kind
      if (kind) by[kind].push(row.n)
    }
    const max = (list: number[]) => (list.length ? Math.max(...list) : 0)
    const mean = (list: number[]) =>
      list.length ? Math.round((list.reduce((a, b) => a + b, 0) / list.length) * 10) / 10 : 0
    return {
      storedRowsPublic: max(by.public),
      storedRowsMod: max(by.mod),
      storedRowsOutboxMean: mean(by.outbox),
      storedRowsOutboxMax: max(by.outbox),
    }
  } finally {
    db.close()
  }
}
