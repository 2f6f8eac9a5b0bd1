import { checkMetricsAccess } from '@podium/shared/server'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Services } from '../services.ts'

/**
 * `/healthz`: the process answers. `/readyz`: its database (and Redis, when used) answer
 * too, and it is not shutting down. `/metrics`: Prometheus text, for this machine or the METRICS_TOKEN's holder.
 */
export async function healthRoutes(app: FastifyInstance, services: Services) {
  app.get('/healthz', async () => ({ status: 'ok' }))

  app.get('/readyz', async (_request, reply) => {
    if (services.lifecycle.draining)
      return reply.code(503).send({ status: 'draining', checks: { instance: 'shutting down' } })
    const checks: Record<string, 'ok' | string> = {}
    try {
      await sql`select 1`.execute(services.db.kysely)
      checks.database = 'ok'
    } catch (error) {
      checks.database = `unreachable: ${(error as Error).message}`
    }
    if (services.redis) {
      try {
        await services.redis.ping()
        checks.redis = 'ok'
      } catch (error) {
        checks.redis = `unreachable: ${(error as Error).message}`
      }
    }
    const ready = Object.values(checks).every((v) => v === 'ok')
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks })
  })

  app.get('/metrics', async (request, reply) => {
    checkMetricsAccess(request, services.config.metricsToken)
    reply.type(services.metrics.registry.contentType)
    return services.metrics.registry.metrics()
  })
}
