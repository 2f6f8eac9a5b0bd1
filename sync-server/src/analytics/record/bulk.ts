import { type RawBuilder, sql } from 'kysely'
import type { DialectName } from '../../db/migrations/types.ts'

/**
 * Many values as one parameter: a JSON array the database unpacks. A batch's 200 rows or
 * ids cost one bound string instead of 2,000 parameters, which the query builder would
 * take longer to compile than the database takes to run (a vote storm's hot path).
 */

/** `(select ... )` of the strings in `values`, for `column in (...)`. */
export function jsonList(dialect: DialectName, values: readonly string[]): RawBuilder<string> {
  const json = JSON.stringify(values)
  return dialect === 'postgres'
    ? sql<string>`(select json_array_elements_text(${json}::json))`
    : sql<string>`(select value from json_each(${json}))`
}

/** A column of a JSON row (an array) and the SQL type it is read as. */
export type JsonColumn = readonly [name: string, type: 'text' | 'bigint']

/**
 * `insert into <table> (<columns>) select ... from <rows as JSON>`: each row an array of
 * values in the columns' order.
 */
export function insertJsonRows(
  dialect: DialectName,
  table: string,
  columns: readonly JsonColumn[],
  rows: ReadonlyArray<ReadonlyArray<string | number | null>>,
): RawBuilder<unknown> {
  const json = JSON.stringify(rows)
  const names = sql.join(columns.map(([name]) => sql.ref(name)))
  if (dialect === 'postgres') {
    const values = sql.join(
      columns.map(([, type], i) =>
        type === 'bigint' ? sql`(e->>${sql.lit(i)})::bigint` : sql`e->>${sql.lit(i)}`,
      ),
    )
    return sql`insert into ${sql.table(table)} (${names}) select ${values} from json_array_elements(${json}::json) as e`
  }
  const values = sql.join(columns.map((_, i) => sql`value->>${sql.lit(i)}`))
  return sql`insert into ${sql.table(table)} (${names}) select ${values} from json_each(${json})`
}
