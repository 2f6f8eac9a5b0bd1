import { IncidentBody, IncidentChange } from '@podium/shared'
import { checkMetricsAccess, HttpProblem } from '@podium/shared/server'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'
import { openRoute } from './access.ts'

/**
 * The operator's incident notes on the status page. Whoever may read /metrics may post
 * them: a request from this machine, or with METRICS_TOKEN as its Bearer.
 */
export async function statusIncidentRoutes(api: FastifyInstance, services: Services) {
  const operator = (request: FastifyRequest) =>
    checkMetricsAccess(request, services.config.metricsToken)

  api.post('/status/incidents', openRoute, async (request, reply) => {
    operator(request)
    const body = parse(IncidentBody, request.body, 'incident')
    const incident = await services.status.store.postIncident(body, services.clock())
    return reply.code(201).send(incident)
  })

  api.patch<{ Params: { id: string } }>('/status/incidents/:id', openRoute, async (request) => {
    operator(request)
    const change = parse(IncidentChange, request.body, 'incident change')
    const incident = await services.status.store.updateIncident(
      request.params.id,
      change,
      services.clock(),
    )
    if (!incident) throw HttpProblem.notFound(`There is no incident ${request.params.id}.`)
    return incident
  })
}
