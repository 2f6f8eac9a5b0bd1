import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, onRequestHookHandler } from 'fastify'
import { HttpProblem } from '../http/problem.ts'
import type { Services } from '../services.ts'

/**
 * Per-address limits on the routes anyone may call without a token: joining (and
 * accepting invites) and creating (and importing) sessions. Each group shares one
 * counter per address. Shared through Redis when several instances run.
 * Must be registered before the routes it limits.
 */
export async function rateLimits(api: FastifyInstance, services: Services) {
  const { rateLimit: limits } = services.config
  await api.register(rateLimit, {
    global: false,
    allowList: limits.allow,
    skipOnError: true,
    ...(services.redis ? { redis: services.redis, nameSpace: 'podium-rate-' } : {}),
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(
        429,
        'Too many requests',
        `Too many requests from your address; try again in ${context.after}.`,
      ),
  })
  const perMinute = (max: number) => api.rateLimit({ max, timeWindow: 60_000 })
  const join = perMinute(limits.joinPerMinute)
  const create = perMinute(limits.createPerMinute)
  const limited = new Map<string, onRequestHookHandler>([
    ['POST /api/join', join],
    ['POST /api/invites/accept', join],
    ['POST /api/sessions', create],
    ['POST /api/sessions/import', create],
  ])
  api.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const hook = methods.map((m) => limited.get(`${m} ${route.url}`)).find(Boolean)
    if (!hook) return
    const existing = route.onRequest
    route.onRequest = existing
      ? [hook, ...(Array.isArray(existing) ? existing : [existing])]
      : [hook]
  })
}
