import type { FastifyInstance, FastifyRequest } from 'fastify'
import { VerifiedTokens } from '../auth/verified-tokens.ts'
import { HttpProblem } from '../http/problem.ts'
import type { Services } from '../services.ts'
import { bearerToken } from './auth.ts'

/** The key of requests that carry no valid token: those are not counted here. */
const NO_USER = 'user:'

/**
 * Per-identity limit on every `/api` request that carries a valid token: counted per
 * token user (its `sub`), from whatever addresses the requests come, on top of any
 * per-address limit. Identities cost nothing to make (joining), so an address limit alone
 * does not bound what one of them does from many addresses. Requests without a valid
 * token are left to the route (401) and to the per-address limits. Addresses in
 * RATE_LIMIT_ALLOW are not limited. Shared through Redis when several instances run.
 * Needs @fastify/rate-limit registered (rateLimits), and must come before the routes.
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
  const check = api.createRateLimit({
    max: limits.userPerMinute,
    timeWindow: 60_000,
    keyGenerator: userKey,
    allowList: (request, key) => key === NO_USER || limits.allow.includes(request.ip),
  })
  api.addHook('onRequest', async (request, reply) => {
    const result = await check(request)
    if (result.isAllowed || !result.isExceeded) return
    reply.header('retry-after', result.ttlInSeconds)
    throw new HttpProblem(
      429,
      'Too many requests',
      `Too many requests with your token; try again in ${result.ttlInSeconds} seconds.`,
    )
  })
}
