import { checkMetricsAccess } from '@podium/shared/server'
import type { FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'
import { Problem, sendProblem } from '../http/problem.ts'

/**
 * `/healthz`: the process answers. `/metrics`: Prometheus text, for this machine or the
 * METRICS_TOKEN's holder, as the sync-server's.
 */
export function healthRoutes(registry: Registry, metricsToken: string | undefined) {
  return async (app: FastifyInstance) => {
    app.get('/healthz', async () => ({ status: 'ok' }))
    app.get('/metrics', async (request, reply) => {
      try {
        checkMetricsAccess(request, metricsToken)
      } catch (error) {
        if (error instanceof Problem) return sendProblem(request, reply, error)
        throw error
      }
      return reply.type(registry.contentType).send(await registry.metrics())
    })
  }
}
