import type { FastifyInstance, onRequestHookHandler, RouteOptions } from 'fastify'
import { claimsAccount } from '../auth/account-access.ts'
import { bearerToken, tokenGate } from '../auth/request-tokens.ts'

/**
 * Who may call a route: anyone; only with a valid session token (every route not marked
 * otherwise); only signed in, with an account token (`/api/me`); or with either (a
 * comparison of sessions a host token or an account holds).
 */
export const Access = {
  open: 'open',
  token: 'token',
  account: 'account',
  tokenOrAccount: 'token-or-account',
} as const
export type Access = (typeof Access)[keyof typeof Access]

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access
  }
}

/** Route options of a route anyone may call (rate-limited per address, see rate-limits.ts). */
export const openRoute = { config: { access: Access.open } }

/** Route options of a route for who is signed in (rate-limited per address, like open ones). */
export const accountRoute = { config: { access: Access.account } }

/** Route options of a route that takes a session token or an account token. */
export const tokenOrAccountRoute = { config: { access: Access.tokenOrAccount } }

export function accessOf(route: RouteOptions): Access {
  return route.config?.access ?? Access.token
}

/** Prepends hooks to a route's onRequest hooks, which run before its body is read. */
export function prependOnRequest(route: RouteOptions, ...hooks: onRequestHookHandler[]): void {
  const existing = route.onRequest
  const rest = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]
  route.onRequest = [...hooks, ...rest]
}

/**
 * Routes that need a token check it when the request arrives, before the body is read:
 * a request without a valid token is answered 401 and its body is never parsed (an 8 MB
 * body sent without a token held the server's thread for seconds). The role and the
 * session are checked in the route (sessionFor), with the claims found here.
 * Must be registered before the routes it guards.
 */
export function guardTokenRoutes(
  api: FastifyInstance,
  secret: string,
  accountGate: onRequestHookHandler,
): void {
  const gate = tokenGate(secret)
  api.addHook('onRoute', (route) => {
    const access = accessOf(route)
    switch (access) {
      case Access.open:
        return
      case Access.token:
        prependOnRequest(route, gate)
        return
      case Access.account:
        prependOnRequest(route, accountGate)
        return
      case Access.tokenOrAccount:
        prependOnRequest(route, async function either(request, reply) {
          const token = bearerToken(request)
          const pick = token && claimsAccount(token) ? accountGate : gate
          // Both gates are async: they answer by resolving or throwing, never by `done`.
          await pick.call(this, request, reply, () => {})
        })
        return
      default: {
        const never: never = access
        throw new Error(`unknown access ${String(never)}`)
      }
    }
  })
}
