import type { Redis } from 'ioredis'
import { sql } from 'kysely'
import { Gauge, Histogram, type Registry } from 'prom-client'
import type { Db } from '../db/connect.ts'

/** A dependency that takes longer than this to answer a scrape's ping counts as down. */
export const PING_TIMEOUT_MS = 2000

/** How long `check` takes, or null when it fails or outlasts PING_TIMEOUT_MS. */
export async function roundTrip(check: () => Promise<unknown>): Promise<number | null> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), PING_TIMEOUT_MS)
  })
  try {
    await Promise.race([check(), timeout])
    return (performance.now() - started) / 1000
  } catch {
    return null
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The database's and Redis' round trips, measured by one ping each per scrape, and the
 * Postgres pool: connections, waiting queries and how long a checkout waited.
 */
export function dependencyMetrics(registry: Registry, deps: { db?: Db; redis?: Redis }) {
  const { db, redis } = deps
  // One ping per scrape answers both gauges of a dependency.
  const once = (check: () => Promise<unknown>) => {
    let pending: Promise<number | null> | null = null
    return () => {
      pending ??= roundTrip(check).finally(() => setTimeout(() => (pending = null), 100))
      return pending
    }
  }
  const pingDb = db ? once(() => sql`select 1`.execute(db.kysely)) : null
  const pingRedis = redis ? once(() => redis.ping()) : null
  const poolWait = new Histogram({
    name: 'podium_db_pool_wait_seconds',
    help: 'How long a query waited for a Postgres connection from the pool',
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  })
  if (db?.pool) db.pool.onWait = (seconds) => poolWait.observe(seconds)
  return {
    poolWait,
    dbRoundTrip: new Gauge({
      name: 'podium_db_roundtrip_seconds',
      help: 'Time the database took to answer `select 1` at the last scrape (-1: no answer)',
      registers: [registry],
      async collect() {
        if (pingDb) this.set((await pingDb()) ?? -1)
      },
    }),
    dbUp: new Gauge({
      name: 'podium_db_up',
      help: 'Whether the database answered at the last scrape (1) or not (0)',
      registers: [registry],
      async collect() {
        if (pingDb) this.set((await pingDb()) === null ? 0 : 1)
      },
    }),
    redisRoundTrip: new Gauge({
      name: 'podium_redis_roundtrip_seconds',
      help: 'Time Redis took to answer PING at the last scrape (-1: no answer)',
      // Without REDIS_URL there is no Redis to report on: no series rather than a 0.
      registers: redis ? [registry] : [],
      async collect() {
        if (pingRedis) this.set((await pingRedis()) ?? -1)
      },
    }),
    redisUp: new Gauge({
      name: 'podium_redis_up',
      help: 'Whether Redis answered at the last scrape (1) or not (0)',
      registers: redis ? [registry] : [],
      async collect() {
        if (pingRedis) this.set((await pingRedis()) === null ? 0 : 1)
      },
    }),
    pool: new Gauge({
      name: 'podium_db_pool_connections',
      help: 'Postgres pool connections by state (idle, busy) and queries waiting for one (waiting)',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const stats = db?.pool?.stats()
        if (!stats) return
        this.labels('idle').set(stats.idle)
        this.labels('busy').set(stats.total - stats.idle)
        this.labels('waiting').set(stats.waiting)
      },
    }),
  }
}
