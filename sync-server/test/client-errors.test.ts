import { Writable } from 'node:stream'
import { CLIENT_ERROR_MAX_BYTES, ClientErrorLimits } from '@podium/shared'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { scrub } from '../src/observability/scrub.ts'
import { sampleValue, scrape } from './helpers/metrics-text.ts'

const started: TestPodium[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.close()))
})

/** A Podium whose log lines are kept, from anywhere (no address is exempt from the limits). */
async function start(env: Record<string, string> = {}) {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean))
      done()
    },
  })
  const server = await startPodium(
    { LOG_LEVEL: 'info', RATE_LIMIT_ALLOW: 'none', ...env },
    { logger: pino({ level: 'info' }, stream) },
  )
  started.push(server)
  const reports = () =>
    lines
      .map((line) => JSON.parse(line) as { msg: string; clientError?: Record<string, string> })
      .filter((line) => line.msg === 'client error')
  return { server, url: `${server.url}/api/client-errors`, reports }
}

type Problem = { status: number; title: string; detail: string }

describe('POST /api/client-errors', () => {
  it('logs and counts a report, scrubbed of e-mail addresses, tokens and query strings', async () => {
    const { server, url, reports } = await start()
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ'
    const res = await request(url, {
      body: {
        kind: 'error',
        message: `Cannot read 'x' for ada.lovelace@example.org with ${jwt}`,
        stack: `TypeError\n    at join (https://podium.example.org/assets/room-B2x9.js?token=${jwt}:10:5)\n    at /i/inviteTokenAbc123def456ghi789jkl/accept`,
        path: '/s/abc123',
        release: '2026.12',
      },
      headers: { 'user-agent': 'Mozilla/5.0 (test)' },
    })
    expect(res.status).toBe(204)
    await expect.poll(() => reports().length, { timeout: 10_000 }).toBe(1)
    const logged = reports()[0]!.clientError!
    const text = JSON.stringify(logged)
    expect(text).not.toContain('ada.lovelace')
    expect(text).not.toContain(jwt)
    expect(text).not.toContain('inviteTokenAbc123')
    expect(logged.message).toBe(`Cannot read 'x' for [redacted] with [redacted]`)
    expect(logged.stack).toContain('https://podium.example.org/assets/room-B2x9.js?[redacted]')
    expect(logged).toMatchObject({
      kind: 'error',
      path: '/s/abc123',
      userAgent: 'Mozilla/5.0 (test)',
    })
    await request(url, { body: { kind: 'unhandledrejection', message: 'fetch failed' } })
    const samples = await scrape(server.url)
    expect(sampleValue(samples, 'podium_client_errors_total', { kind: 'error' })).toBe(1)
    expect(sampleValue(samples, 'podium_client_errors_total', { kind: 'unhandledrejection' })).toBe(
      1,
    )
  })

  it('answers bad reports with a problem that names the field', async () => {
    const { url, reports } = await start()
    const cases: Array<[unknown, RegExp]> = [
      [{ kind: 'crash', message: 'x' }, /kind must be "error" or "unhandledrejection"/],
      [{ kind: 'error', message: '' }, /message must not be empty/],
      [{ kind: 'error', message: 7 }, /message must be text/],
      [
        { kind: 'error', message: 'x'.repeat(ClientErrorLimits.message + 1) },
        /message must be at most 1000 characters/,
      ],
      [
        { kind: 'error', message: 'x', stack: 's'.repeat(ClientErrorLimits.stack + 1) },
        /stack must be at most 8000 characters/,
      ],
      [
        { kind: 'error', message: 'x', path: `/${'p'.repeat(ClientErrorLimits.path)}` },
        /path must be at most 500 characters/,
      ],
    ]
    for (const [body, detail] of cases) {
      const res = await request<Problem>(url, { body })
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect(res.body.detail).toMatch(detail)
    }
    const missing = await request<Problem>(url, { method: 'POST' })
    expect(missing.status).toBe(400)
    expect(reports()).toHaveLength(0)
  })

  it(`refuses a body over ${CLIENT_ERROR_MAX_BYTES} bytes with 413 before reading it`, async () => {
    const { url, reports } = await start()
    const res = await request<Problem>(url, {
      body: { kind: 'error', message: 'x', stack: 's'.repeat(CLIENT_ERROR_MAX_BYTES) },
    })
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect(reports()).toHaveLength(0)
  })

  it('takes RATE_LIMIT_CLIENT_ERRORS_PER_MINUTE reports a minute from one address', async () => {
    const { url, reports } = await start({ RATE_LIMIT_CLIENT_ERRORS_PER_MINUTE: '3' })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++)
      statuses.push((await request(url, { body: { kind: 'error', message: `e${i}` } })).status)
    expect(statuses).toEqual([204, 204, 204, 429])
    const refused = await request<Problem>(url, { body: { kind: 'error', message: 'more' } })
    expect(refused.headers.get('content-type')).toContain('application/problem+json')
    expect(refused.body.detail).toMatch(/Too many requests/)
    await expect.poll(() => reports().length, { timeout: 10_000 }).toBe(3)
  })
})

describe('scrub', () => {
  it('keeps what names the failing code and drops what names the person', () => {
    expect(scrub('at render (https://x.org/assets/index-Ab12.js:3:9)')).toBe(
      'at render (https://x.org/assets/index-Ab12.js:3:9)',
    )
    expect(scrub('GET /api/unsubscribe?token=abc&list=1 failed')).toBe(
      'GET /api/unsubscribe?[redacted] failed',
    )
    expect(scrub('see https://x.org/j/ABC123#frag')).toBe('see https://x.org/j/ABC123?[redacted]')
    expect(scrub('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer [redacted]')
    expect(scrub('mail bob+tag@mail.example.co.uk now')).toBe('mail [redacted] now')
    expect(scrub('key sk_live_51Hc9AbCdEfGhIjKlMnOpQr done')).toBe('key [redacted] done')
    expect(scrub('not a token: TypeError_happened_in_component')).toBe(
      'not a token: TypeError_happened_in_component',
    )
  })
})
