import pg from 'pg'
import { startPodium, type TestPodium } from '../../../test-support/podium.ts'
import { createTestSchema } from '../../../test-support/postgres.ts'
import { TestClient } from './clients.ts'

const REDIS_URL = process.env.PODIUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

type Identity = { sessionId: string; userId: string; token: string }

export interface TwoInstances {
  one: TestPodium
  two: TestPodium
  /** A plain connection to their database, in their schema. */
  db: pg.Client
  /** A client of `server`, destroyed by close(). */
  client(server: TestPodium, identity: Identity, withMod?: boolean): TestClient
  close(): Promise<void>
}

/**
 * Two instances over one Postgres schema of their own, sharing documents through Redis, as
 * behind a load balancer: what each decides, stores and relays, with real parts.
 */
export async function startTwoInstances(): Promise<TwoInstances> {
  const schema = await createTestSchema()
  const env = { DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema, REDIS_URL }
  const one = await startPodium(env)
  const two = await startPodium(env)
  const db = new pg.Client({ connectionString: schema.url })
  await db.connect()
  await db.query(`set search_path to ${schema.schema}`)
  const clients: TestClient[] = []
  return {
    one,
    two,
    db,
    client(server, identity, withMod = false) {
      const c = new TestClient(server.syncUrl, identity, {}, withMod)
      clients.push(c)
      return c
    },
    async close() {
      for (const c of clients) c.destroy()
      await db.end()
      await one.close()
      await two.close()
      await schema.drop()
    },
  }
}
