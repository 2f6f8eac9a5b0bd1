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

/**
 * What one session left in the store: rows of its public document, and of the tables
 * reactions and poll answers are counted in. Shows how a storm is carried: a row per
 * window or per answer, not a document write per reaction.
 */
export function sessionRows(dataDir: string, publicDoc: string): Record<string, Metric> {
  const file = join(dataDir, 'podium.sqlite')
  const sessionId = parseDocumentName(publicDoc)?.sessionId
  if (!existsSync(file) || !sessionId) return {}
  const db = new SQLite(file, { readonly: true, fileMustExist: true })
  const count = (sql: string, arg: string) =>
    (db.prepare(sql).get(arg) as { n: number } | undefined)?.n ?? 0
  try {
    return {
      storedPublicUpdates: count(
        'select count(*) as n from document_updates where name = ?',
        publicDoc,
      ),
      storedReactionWindows: count(
        'select count(*) as n from reaction_windows where session_id = ?',
        sessionId,
      ),
      storedReactionTotal: count(
        'select coalesce(sum(total), 0) as n from reaction_windows where session_id = ?',
        sessionId,
      ),
      storedPollAnswers: count(
        'select count(*) as n from poll_answers where session_id = ?',
        sessionId,
      ),
    }
  } finally {
    db.close()
  }
}
