import { describe, expect, it } from 'vitest'
import { ApiError, createApi } from '../../src/lib/api.ts'

type Reply = () => Response | Promise<Response>

/** A fetch that answers from a script and records what it was asked. */
function scripted(...replies: Reply[]) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init })
    const next = replies.shift()
    if (!next) throw new Error('no more scripted replies')
    return next()
  }
  return { fetch: fetch as typeof globalThis.fetch, calls }
}

const json =
  (status: number, body: unknown, type = 'application/json') =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': type } })
const problem = (status: number, title: string, detail: string) =>
  json(status, { type: 'about:blank', title, status, detail }, 'application/problem+json')
const networkDown = () => {
  throw new TypeError('Failed to fetch')
}

function apiWith(replies: Reply[]) {
  const script = scripted(...replies)
  const delays: number[] = []
  const api = createApi({
    fetch: script.fetch,
    baseDelayMs: 100,
    sleep: async (ms) => {
      delays.push(ms)
    },
  })
  return { api, calls: script.calls, delays }
}

const joined = {
  sessionId: 's1234567',
  userId: 'u1234567',
  token: 't',
  role: 'attendee',
  name: null,
}

describe('api client', () => {
  it('sends JSON with the bearer token and validates the answer against the contract', async () => {
    const { api, calls } = apiWith([json(200, joined)])
    await expect(api.join({ code: 'ABC234' })).resolves.toEqual(joined)
    expect(calls[0]?.url).toBe('/api/join')
    expect(calls[0]?.init?.method).toBe('POST')
    expect(calls[0]?.init?.body).toBe(JSON.stringify({ code: 'ABC234' }))

    const { api: api2, calls: calls2 } = apiWith([json(200, { ok: true })])
    await api2.get('/sessions/s1', 'tok')
    expect(new Headers(calls2[0]?.init?.headers).get('authorization')).toBe('Bearer tok')
  })

  it('retries network failures and 5xx with growing delays, then succeeds', async () => {
    const { api, calls, delays } = apiWith([
      networkDown,
      problem(503, 'Unavailable', 'Try later'),
      json(200, { now: 42 }),
    ])
    await expect(api.time()).resolves.toEqual({ now: 42 })
    expect(calls).toHaveLength(3)
    expect(delays).toHaveLength(2)
    expect(delays[0]).toBeGreaterThanOrEqual(50)
    expect(delays[0]).toBeLessThanOrEqual(100)
    expect(delays[1]).toBeGreaterThanOrEqual(100)
    expect(delays[1]).toBeLessThanOrEqual(200)
  })

  it('does not retry 4xx and turns problem+json into an ApiError with an actionable message', async () => {
    const detail = 'No session has the code ZZZZZZ. Check the code and try again.'
    const { api, calls } = apiWith([problem(404, 'Not found', detail)])
    const error = await api.join({ code: 'ZZZZZZ' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 404, title: 'Not found', detail, message: detail })
    expect(calls).toHaveLength(1)
  })

  it('gives up after the last attempt with a sentence about the connection', async () => {
    const { api, calls } = apiWith([networkDown, networkDown, networkDown, networkDown])
    const error = await api.time().catch((e: unknown) => e)
    expect(calls).toHaveLength(4)
    expect(error).toMatchObject({ status: 0 })
    expect((error as Error).message).toMatch(/check your connection/i)
  })

  it('explains a response that breaks the contract instead of passing it on', async () => {
    const { api } = apiWith([json(201, { id: 'x' })])
    const error = await api.createSession({ title: 'T' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as Error).message).toMatch(/reload the page/i)
  })

  it('reads a non-JSON error page as a plain status message', async () => {
    const { api } = apiWith([() => new Response('<html>bad gateway</html>', { status: 400 })])
    const error = await api.post('/x', {}).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 400 })
    expect((error as Error).message).toMatch(/check what you entered/i)
  })
})
