import SQLite from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { withStatementCache } from '../src/db/connect.ts'

function database() {
  const db = new SQLite(':memory:')
  db.exec('create table t (n integer)')
  db.prepare('insert into t values (1), (2), (3)').run()
  return db
}

describe('the SQLite statement cache', () => {
  it('prepares a query once and hands out the same statement after', () => {
    const cached = withStatementCache(database())
    const first = cached.prepare('select n from t order by n')
    expect(cached.prepare('select n from t order by n')).toBe(first)
    expect(first.all()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
    expect(cached.prepare('select n from t where n > ?').all(1)).toEqual([{ n: 2 }, { n: 3 }])
    cached.close()
  })

  it('gives a fresh statement while one is being iterated (a streamed query)', () => {
    const cached = withStatementCache(database())
    const streaming = cached.prepare('select n from t order by n')
    const rows = streaming.iterate()
    expect(rows.next().value).toEqual({ n: 1 })
    const meanwhile = cached.prepare('select n from t order by n')
    expect(meanwhile).not.toBe(streaming)
    expect(meanwhile.all()).toHaveLength(3)
    expect([...rows]).toEqual([{ n: 2 }, { n: 3 }])
    cached.close()
  })

  it('keeps only the most recently used statements', () => {
    const cached = withStatementCache(database(), 2)
    const a = cached.prepare('select 1')
    const b = cached.prepare('select 2')
    expect(cached.prepare('select 1')).toBe(a) // now the most recent
    cached.prepare('select 3') // pushes out 'select 2'
    expect(cached.prepare('select 1')).toBe(a)
    expect(cached.prepare('select 2')).not.toBe(b)
    cached.close()
  })
})
