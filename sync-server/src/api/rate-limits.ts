import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, onRequestHookHandler } from 'fastify'
import { HttpProblem } from '../http/problem.ts'
import type { Services } from '../services.ts'
import { Access, accessOf, prependOnRequest } from './access.ts'

/** Counters kept per address: each open route counts in one of them. */
const Group = {
  join: 'join',
  create: 'create',
  signIn: 'signIn',
  clientErrors: 'clientErrors',
  public: 'public',
} as const
type Group = (typeof Group)[keyof typeof Group]

/** Open routes with a counter of their own; every other open route counts in `public`. */
const OWN_GROUP = new Map<string, Group>([
  ['POST /api/join', Group.join],
  ['POST /api/invites/accept', Group.join],
  ['POST /api/host-link', Group.join],
  ['POST /api/sessions', Group.create],
  ['POST /api/sessions/import', Group.create],
  ['POST /api/auth/email', Group.signIn],
  ['POST /api/client-errors', Group.clientErrors],
])

/**
 * Per-address limits on every route anyone may call without a session token (marked open
 * or account, see access.ts): joining (and accepting invites and host links) and creating (and importing) sessions
 * have counters of their own, and every other open route shares the public one. Shared
 * through Redis when several instances run. Must be registered before the routes.
 */
export async function rateLimits(api: FastifyInstance, services: Services) {
  const { rateLimit: limits } = services.config
  const hooks: Record<Group, onRequestHookHandler> = {
    join: await limiter(api, services, Group.join, limits.joinPerMinute),
    create: await limiter(api, services, Group.create, limits.createPerMinute),
    signIn: await limiter(api, services, Group.signIn, limits.signInPerMinute),
    clientErrors: await limiter(api, services, Group.clientErrors, limits.clientErrorsPerMinute),
    public: await limiter(api, services, Group.public, limits.publicPerMinute),
  }
  api.addHook('onRoute', (route) => {
    if (accessOf(route) === Access.token) return
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const group = methods.map((m) => OWN_GROUP.get(`${m} ${route.url}`)).find(Boolean)
    prependOnRequest(route, hooks[group ?? Group.public])
  })
}

/**
 * One counter per address, `max` requests a minute. Each group is its own registration
 * of the plugin, so its Redis keys have their own prefix: limiters made from one
 * registration share their Redis keys, whatever their limits.
 */
async function limiter(
  api: FastifyInstance,
  services: Services,
  group: Group,
  max: number,
): Promise<onRequestHookHandler> {
  let hook: onRequestHookHandler | undefined
  await api.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      allowList: services.config.rateLimit.allow,
      skipOnError: true,
      ...(services.redis ? { redis: services.redis, nameSpace: `podium-rate-${group}-` } : {}),
      errorResponseBuilder: (_request, context) =>
        new HttpProblem(
          429,
          'Too many requests',
          `Too many requests from your address; try again in ${context.after}.`,
        ),
    })
    hook = scope.rateLimit({ max, timeWindow: 60_000 })
  })
  if (!hook) throw new Error(`the ${group} rate limiter was not made`)
  return hook
}
