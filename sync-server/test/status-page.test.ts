import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { request, startPodiumOn, type TestPodium } from '../../test-support/podium.ts'
import type { StatusReport } from '../src/observability/status/report.ts'
import { signalingOptions } from '../src/signaling/mount.ts'

const REDIS_URL = process.env.PODIUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const METRICS_TOKEN = 'operator-token-operator-token-0000'

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

/** A TCP listener standing where TURN_URLS points, as coturn's TCP port would. */
async function tcpListener(): Promise<number> {
  const server: Server = createServer((socket) => socket.destroy())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(() => new Promise((resolve) => server.close(() => resolve())))
  return (server.address() as { port: number }).port
}

async function start(dialect: 'sqlite' | 'postgres', env: Record<string, string> = {}) {
  const server = await startPodiumOn(dialect, env, {
    status: { everyMs: 150 },
    ...signalingOptions(),
  })
  closers.push(() => server.close())
  return server
}

async function statusUntil(
  server: TestPodium,
  check: (report: StatusReport) => boolean,
): Promise<StatusReport> {
  const until = Date.now() + 20_000
  for (;;) {
    const res = await request<StatusReport>(`${server.url}/status.json`)
    expect(res.status).toBe(200)
    if (check(res.body)) return res.body
    if (Date.now() > until) throw new Error(`status never got there: ${JSON.stringify(res.body)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe.each(['sqlite', 'postgres'] as const)('the status page on %s', (dialect) => {
  it('reports each component, uptime from stored checks, and the operator’s incidents', async () => {
    const turnPort = await tcpListener()
    const server = await start(dialect, {
      TURN_SECRET: 'turn-secret-turn-secret',
      TURN_URLS: `turn:127.0.0.1:${turnPort}?transport=tcp`,
      METRICS_TOKEN,
      ...(dialect === 'postgres' ? { REDIS_URL } : {}),
    })
    const report = await statusUntil(server, (r) =>
      r.components.some((c) => c.id === 'database' && c.uptime['24h'] === 1),
    )
    const states = Object.fromEntries(report.components.map((c) => [c.id, c.state]))
    expect(states).toEqual({
      sync: 'ok',
      database: 'ok',
      redis: dialect === 'postgres' ? 'ok' : 'not-configured',
      signaling: 'ok',
      turn: 'ok',
      mail: 'ok',
    })
    expect(report.status).toBe('ok')
    expect(report.components.find((c) => c.id === 'turn')?.detail).toBe(
      `127.0.0.1:${turnPort} reachable`,
    )
    // A component this deployment does not use has no uptime.
    if (dialect === 'sqlite')
      expect(report.components.find((c) => c.id === 'redis')?.uptime['24h']).toBeNull()
    const stored = await server.podium.services.db.kysely
      .selectFrom('status_checks')
      .select(['component', 'state'])
      .execute()
    expect(stored.filter((r) => r.component === 'database').length).toBeGreaterThan(0)

    // Incidents: only the operator (METRICS_TOKEN) posts them.
    const incidents = `${server.url}/api/status/incidents`
    const body = { title: 'Video <b>stalls</b>', body: 'TURN is slow for some; we are on it.' }
    expect((await request(incidents, { body })).status).toBe(401)
    const posted = await request<{ id: string; impact: string; resolvedAt: null }>(incidents, {
      body,
      token: METRICS_TOKEN,
    })
    expect(posted.status).toBe(201)
    expect(posted.body).toMatchObject({ impact: 'minor', resolvedAt: null })
    const html = await request<string>(`${server.url}/status`)
    expect(html.headers.get('content-type')).toContain('text/html')
    expect(html.body).toContain('Video &lt;b&gt;stalls&lt;/b&gt;')
    expect(html.body).toContain('Ongoing')
    expect(html.body).toContain('All systems operational')
    expect(html.body).not.toContain('<script')

    const resolved = await request<{ resolvedAt: number }>(`${incidents}/${posted.body.id}`, {
      method: 'PATCH',
      body: { resolved: true, body: 'Fixed: a TURN node was replaced.' },
      token: METRICS_TOKEN,
    })
    expect(resolved.status).toBe(200)
    expect(resolved.body.resolvedAt).toBeGreaterThan(0)
    const after = await request<StatusReport>(`${server.url}/status.json`)
    expect(after.body.incidents[0]).toMatchObject({ body: 'Fixed: a TURN node was replaced.' })
    expect(after.body.incidents[0]?.resolvedAt).toBeGreaterThan(0)
  })
})

describe('the status page', () => {
  it('says what is down: an unreachable TURN server, signaling not where it should be', async () => {
    const closedPort = await tcpListener()
    // Closed again: nothing listens there any more.
    await closers.pop()?.()
    const server = await startPodiumOn('sqlite', {
      TURN_SECRET: 'turn-secret-turn-secret',
      TURN_URLS: `turn:127.0.0.1:${closedPort}`,
    })
    closers.push(() => server.close())
    const report = await statusUntil(server, (r) => r.components.length > 0)
    const byId = Object.fromEntries(report.components.map((c) => [c.id, c]))
    expect(byId.turn).toMatchObject({
      state: 'down',
      detail: `127.0.0.1:${closedPort} unreachable`,
    })
    expect(byId.signaling?.state).toBe('down')
    expect(report.status).toBe('down')
    const html = await request<string>(`${server.url}/status`)
    expect(html.body).toContain('Some systems are down')
  })

  it('answers bad incident input with problems, from this machine without a token', async () => {
    const server = await start('sqlite')
    const incidents = `${server.url}/api/status/incidents`
    const cases: Array<[unknown, RegExp]> = [
      [{ title: '', body: 'x' }, /title must not be empty/],
      [{ title: 'x'.repeat(121), body: 'x' }, /title must be at most 120 characters/],
      [{ title: 'x', body: 'x', impact: 'huge' }, /impact must be "none", "minor" or "major"/],
      [{ title: 'x' }, /body/],
    ]
    for (const [body, detail] of cases) {
      const res = await request<{ detail: string }>(incidents, { body })
      expect(res.status).toBe(400)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect(res.body.detail).toMatch(detail)
    }
    const empty = await request<{ detail: string }>(`${incidents}/nope`, {
      method: 'PATCH',
      body: {},
    })
    expect(empty.status).toBe(400)
    expect(empty.body.detail).toMatch(/send at least one of/)
    const missing = await request<{ detail: string }>(`${incidents}/nope`, {
      method: 'PATCH',
      body: { resolved: true },
    })
    expect(missing.status).toBe(404)
    // From elsewhere (behind a proxy) without METRICS_TOKEN: refused.
    const remote = await startPodiumOn('sqlite', { TRUST_PROXY: 'true' })
    closers.push(() => remote.close())
    const refused = await request(`${remote.url}/api/status/incidents`, {
      body: { title: 'x', body: 'y' },
      headers: { 'x-forwarded-for': '203.0.113.9' },
    })
    expect(refused.status).toBe(403)
  })
})
