import { createApi } from '../../src/lib/api.ts'

/** One request the page sent: method, path, JSON body and bearer token. */
export interface Sent {
  method: string
  path: string
  body: unknown
  token: string | null
}

type Answer = { status?: number; body?: unknown } | undefined
type Handler = (sent: Sent) => Answer | Promise<Answer>

/**
 * The server's part, played by the test: `routes` maps "METHOD /api/path" to what it
 * answers (200 with the body, or a status); anything else is a 404 problem. Every request
 * is recorded in `sent`.
 */
export function scriptedServer(routes: Record<string, Handler>) {
  const sent: Sent[] = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://podium.test')
    const auth = new Headers(init?.headers).get('authorization')
    const request: Sent = {
      method: init?.method ?? 'GET',
      path: url.pathname + url.search,
      body: init?.body ? JSON.parse(String(init.body)) : null,
      token: auth?.replace(/^Bearer /, '') ?? null,
    }
    sent.push(request)
    const handler = routes[`${request.method} ${url.pathname}`]
    const answer = handler
      ? await handler(request)
      : { status: 404, body: problem(404, 'Not here') }
    const status = answer?.status ?? 200
    if (status === 204) return new Response(null, { status })
    return new Response(JSON.stringify(answer?.body ?? {}), {
      status,
      headers: {
        'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
      },
    })
  }
  return { api: createApi({ fetch, attempts: 1 }), sent }
}

export function problem(status: number, detail: string) {
  return { type: 'about:blank', title: 'Refused', status, detail }
}

/** A token shaped like the server's (a JWT), with the claims the client reads. */
export function fakeToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature`
}

/** Seconds since the epoch, `minutes` from now. */
export const expIn = (minutes: number) => Math.floor(Date.now() / 1000) + minutes * 60
