import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { loadConfig } from '../src/config.ts'
import { createSession, join, TestClient, waitFor } from './helpers/clients.ts'

// Traces over OTLP/HTTP and errors to Sentry, each to a local receiver that reads what
// the real exporters send: the OpenTelemetry exporter's JSON and Sentry's envelopes.

interface Received {
  path: string
  body: string
}

let receiver: Server
let base: string
const received: Received[] = []
let server: TestPodium

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      let body = Buffer.concat(chunks)
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body)
      received.push({ path: req.url ?? '', body: body.toString('utf8') })
      res.setHeader('content-type', 'application/json')
      res.end('{}')
    })
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  base = `127.0.0.1:${(receiver.address() as AddressInfo).port}`
  server = await startPodium({
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://${base}`,
    SENTRY_DSN: `http://publickey@${base}/42`,
  })
})

afterAll(async () => {
  await server?.close()
  await new Promise((r) => receiver?.close(r))
})

/** Span names in everything the collector received so far. */
function spanNames(): string[] {
  return received
    .filter((r) => r.path === '/v1/traces')
    .flatMap((r) => {
      const body = JSON.parse(r.body) as {
        resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }>
      }
      return body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
    })
    .map((s) => s.name)
}

const envelopes = () => received.filter((r) => r.path.startsWith('/api/42/envelope'))

describe('telemetry', () => {
  it('traces API requests by route and each ingest tick', async () => {
    const session = await createSession(server.url, { title: 'Traced' })
    const client = new TestClient(server.syncUrl, await join(server.url, session.code, 'Tia'))
    try {
      await client.synced()
      client.outbox.ask('Is this traced?')
      await waitFor(() => client.public.questions().length === 1, 20_000, 'published')
      await waitFor(
        () =>
          spanNames().includes('POST /api/sessions') &&
          spanNames().includes('POST /api/join') &&
          spanNames().includes('ingest.tick'),
        15_000,
        'the spans at the collector',
      )
      // Routes, not URLs: no session id or code in a span's name.
      expect(spanNames().some((n) => n.includes(session.id) || n.includes(session.code))).toBe(
        false,
      )
      const tick = received.find((r) => r.body.includes('"ingest.tick"'))!.body
      expect(tick).toContain('podium-sync-server')
      expect(tick).toContain(session.id)
    } finally {
      client.destroy()
    }
  }, 60_000)

  it('sends server errors and the browsers’ reports to Sentry, scrubbed', async () => {
    server.podium.services.telemetry.captureError(new Error('the store went away'), {
      route: '/api/test',
    })
    const report = await request(`${server.url}/api/client-errors`, {
      body: {
        kind: 'error',
        message: 'TypeError: x is undefined for ada@example.org',
        stack: 'at room.js:1:2',
        path: '/s/abc',
      },
    })
    expect(report.status).toBe(204)
    await waitFor(
      () =>
        envelopes().some((e) => e.body.includes('the store went away')) &&
        envelopes().some((e) => e.body.includes('x is undefined')),
      15_000,
      'both events at Sentry',
    )
    const browser = envelopes().find((e) => e.body.includes('x is undefined'))!.body
    expect(browser).not.toContain('ada@example.org')
    expect(browser).toContain('"source":"browser"')
    const serverError = envelopes().find((e) => e.body.includes('the store went away'))!.body
    expect(serverError).toContain('"route":"/api/test"')
  }, 60_000)
})

describe('telemetry configuration', () => {
  const env = { DATA_DIR: '/tmp/podium-telemetry-config' }
  it('refuses a collector or a DSN that is not one, naming the variable', () => {
    expect(() => loadConfig({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    )
    expect(() =>
      loadConfig({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector:4318' }),
    ).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT="ftp:\/\/collector:4318" is not valid: expected an http:\/\/ or https:\/\/ URL/,
    )
    expect(() => loadConfig({ ...env, SENTRY_DSN: 'https://o0.ingest.sentry.io/42' })).toThrow(
      /SENTRY_DSN=.* is not valid: expected a DSN such as/,
    )
    const ok = loadConfig({ ...env, SENTRY_DSN: 'https://key@o0.ingest.sentry.io/42' })
    expect(ok.telemetry.sentryDsn).toBe('https://key@o0.ingest.sentry.io/42')
    expect(loadConfig(env).telemetry).toEqual({
      otlpEndpoint: undefined,
      serviceName: 'podium-sync-server',
      sentryDsn: undefined,
    })
  })
})
