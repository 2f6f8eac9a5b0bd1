import type { AnalyticsLive } from '@podium/shared'
import { describe, expect, it } from 'vitest'
import { type LiveState, parseSse, watchLive } from '../../src/analytics/live.ts'
import { figures, streamed } from '../helpers/analytics.ts'

const until = async (check: () => boolean) => {
  const deadline = Date.now() + 5_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('parseSse', () => {
  it('splits events at blank lines, keeps the rest, skips comments and retry', () => {
    const { events, rest } = parseSse(
      'retry: 5000\n\n: still here\n\nevent: figures\ndata: {"a":1}\n\nevent: figures\r\ndata: {"a"',
    )
    expect(events).toEqual([{ event: 'figures', data: '{"a":1}' }])
    expect(rest).toBe('event: figures\ndata: {"a"')
    expect(parseSse('data: one\ndata: two\n\n').events).toEqual([
      { event: 'message', data: 'one\ntwo' },
    ])
  })
})

describe('watchLive', () => {
  it('reads figures as they arrive, sends the token, and opens the stream again when it drops', async () => {
    const streams = [streamed(), streamed()]
    const asked: Array<{ url: string; auth: string | null }> = []
    const fetch = async (url: RequestInfo | URL, init?: RequestInit) => {
      asked.push({ url: String(url), auth: new Headers(init?.headers).get('authorization') })
      const stream = streams[asked.length - 1]
      return new Response(stream?.body ?? null, {
        headers: { 'content-type': 'text/event-stream' },
      })
    }
    const got: AnalyticsLive[] = []
    const states: LiveState[] = []
    const stop = watchLive({
      sessionId: 'session-1',
      token: async () => 'host-token',
      fetch,
      retryMs: 10,
      onFigures: (f) => got.push(f),
      onState: (s) => states.push(s),
    })
    const [first, second] = streams
    first!.send(`retry: 5000\n\nevent: figures\ndata: ${JSON.stringify(figures())}\n\n`)
    await until(() => got.length === 1)
    // Split across chunks.
    const next = JSON.stringify(figures({ asked: 3 }))
    first!.send(`event: figures\ndata: ${next.slice(0, 10)}`)
    first!.send(`${next.slice(10)}\n\n`)
    await until(() => got.length === 2)
    expect(got.map((f) => f.asked)).toEqual([2, 3])
    first!.end()
    await until(() => asked.length === 2)
    second!.send(`event: figures\ndata: ${JSON.stringify(figures({ asked: 4 }))}\n\n`)
    await until(() => got.length === 3)
    expect(asked).toEqual([
      { url: '/api/sessions/session-1/analytics/live', auth: 'Bearer host-token' },
      { url: '/api/sessions/session-1/analytics/live', auth: 'Bearer host-token' },
    ])
    expect(states).toEqual(['connecting', 'live', 'retrying', 'connecting', 'live'])
    stop()
  })

  it('stops at a refusal and says why', async () => {
    const fetch = async () =>
      new Response(
        JSON.stringify({
          type: 'about:blank',
          title: 'Forbidden',
          status: 403,
          detail: 'This needs the role host or moderator; your token has the role attendee.',
        }),
        { status: 403, headers: { 'content-type': 'application/problem+json' } },
      )
    let calls = 0
    const states: Array<[LiveState, string | undefined]> = []
    const stop = watchLive({
      sessionId: 'session-1',
      token: () => 'attendee-token',
      fetch: async () => {
        calls++
        return fetch()
      },
      retryMs: 5,
      onFigures: () => {},
      onState: (s, d) => states.push([s, d]),
    })
    await until(() => states.some(([s]) => s === 'refused'))
    await new Promise((r) => setTimeout(r, 50))
    expect(calls).toBe(1)
    expect(states.at(-1)).toEqual([
      'refused',
      'This needs the role host or moderator; your token has the role attendee.',
    ])
    stop()
  })
})
