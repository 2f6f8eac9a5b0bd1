import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The Postgres the tests use; in CI and here it must be reachable (these suites never skip). */
export const POSTGRES_URL =
  process.env.PODIUM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface TestSchema {
  url: string
  schema: string
  drop(): Promise<void>
}

/**
 * Creates a schema `podium_test_<random>` for one test file, so suites running at the same
 * time on one database never see each other's tables. `drop()` removes it with everything in it.
 */
export async function createTestSchema(): Promise<TestSchema> {
  const schema = `podium_test_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
  } catch (error) {
    const where = process.env.CI ? 'CI must provide it' : 'start it or set PODIUM_TEST_POSTGRES_URL'
    throw new Error(
      `Postgres is not reachable at ${POSTGRES_URL} (${(error as Error).message}); ${where}.`,
    )
  }
  try {
    await client.query(`create schema ${schema}`)
  } finally {
    await client.end()
  }
  return {
    url: POSTGRES_URL,
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL })
      await c.connect()
      try {
        await c.query(`drop schema if exists ${schema} cascade`)
      } finally {
        await c.end()
      }
    },
  }
}
