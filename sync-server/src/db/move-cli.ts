import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { MoveError, moveSqliteToPostgres } from './move.ts'

// npm run db:move-to-postgres -- [--from data/podium.sqlite] [--to postgres://…] [--schema s]
// Stop Podium first: the SQLite file must not change while it is copied.

const usage =
  'Usage: npm run db:move-to-postgres -- --from <podium.sqlite> --to <postgres URL> [--schema <schema>]\n' +
  'Defaults: --from $DATA_DIR/podium.sqlite (./data), --to $DATABASE_URL.'

async function main(): Promise<number> {
  let values: { from?: string; to?: string; schema?: string; help?: boolean }
  try {
    ;({ values } = parseArgs({
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        schema: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`)
    return 2
  }
  if (values.help) {
    console.log(usage)
    return 0
  }
  const file = values.from ?? join(process.env.DATA_DIR ?? './data', 'podium.sqlite')
  const url = values.to ?? process.env.DATABASE_URL
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    console.error(`--to must be a postgres:// URL (or set DATABASE_URL).\n${usage}`)
    return 2
  }
  try {
    const report = await moveSqliteToPostgres(
      { file },
      { url, ...(values.schema ? { schema: values.schema } : {}) },
      (table, rows) => console.log(`${table}: ${rows} rows`),
    )
    const total = report.tables.reduce((n, t) => n + t.rows, 0)
    console.log(`Moved ${total} rows in ${report.tables.length} tables in ${report.ms} ms.`)
    console.log('Start Podium with DATABASE_URL set to the Postgres URL.')
    return 0
  } catch (error) {
    if (error instanceof MoveError) {
      console.error(error.message)
      return 1
    }
    throw error
  }
}

process.exitCode = await main()
