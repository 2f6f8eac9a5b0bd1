import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { bearerToken } from '../auth/request-tokens.ts'
import { VerifiedTokens } from '../auth/verified-tokens.ts'
import { HttpProblem } from '../http/problem.ts'
import type { Services } from '../services.ts'

/** The key of requests that carry no valid token: those are not counted here. */
const NO_USER = 'user:'

/**
 * Per-identity limit on every `/api` request that carries a valid token: counted per
 * token user (its `sub`), from whatever addresses the requests come, on top of any
 * per-address limit. Identities cost nothing to make (joining), so an address limit alone
 * does not bound what one of them does from many addresses. Requests without a valid
 * token are left to the route (401) and to the per-address limits. Addresses in
 * RATE_LIMIT_ALLOW are not limited. Shared through Redis when several instances run.
 * Must come before the routes.
 */
export async function identityRateLimit(api: FastifyInstance, services: Services) {
  const { rateLimit: limits, tokenSecret } = services.config
  const tokens = new VerifiedTokens(tokenSecret)
  const userKey = async (request: FastifyRequest) => {
    const token = bearerToken(request)
    if (!token) return NO_USER
    try {
      return `${NO_USER}${(await tokens.verify(token)).sub}`
    } catch {
      return NO_USER
    }
  }
  // A registration of its own, so its Redis keys have their own prefix (see rateLimits).
  let check: ReturnType<FastifyInstance['createRateLimit']> | undefined
  await api.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      skipOnError: true,
      ...(services.redis ? { redis: services.redis, nameSpace: 'podium-rate-user-' } : {}),
    })
    check = scope.createRateLimit({
      max: limits.userPerMinute,
      timeWindow: 60_000,
      keyGenerator: userKey,
      allowList: (request, key) => key === NO_USER || limits.allow.includes(request.ip),
    })
  })
  if (!check) throw new Error('the per-user rate limiter was not made')
  const limit = check
  api.addHook('onRequest', async (request, reply) => {
    const result = await limit(request)
    if (result.isAllowed || !result.isExceeded) return
    reply.header('retry-after', result.ttlInSeconds)
    throw new HttpProblem(
      429,
      'Too many requests',
      `Too many requests with your token; try again in ${result.ttlInSeconds} seconds.`,
    )
  })
}
