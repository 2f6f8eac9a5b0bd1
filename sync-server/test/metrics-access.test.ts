import { isLoopback } from '@podium/shared/server'
import { afterEach, describe, expect, it } from 'vitest'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'

const started: TestPodium[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.close()))
})
async function start(env: Record<string, string> = {}): Promise<string> {
  const podium = await startPodium(env)
  started.push(podium)
  return `${podium.url}/metrics`
}

const METRICS_TOKEN = 'scrape-me-scrape-me-0123456789'

describe('/metrics', () => {
  it('answers this machine without a token when METRICS_TOKEN is unset', async () => {
    const metrics = await start()
    const local = await request<string>(metrics)
    expect(local.status).toBe(200)
    expect(local.body).toContain('podium_sync_connections')
  })

  it('refuses a request from elsewhere without a token (behind a proxy, by X-Forwarded-For)', async () => {
    const metrics = await start({ TRUST_PROXY: 'true' })
    const remote = await request<{ status: number; detail: string }>(metrics, {
      headers: { 'x-forwarded-for': '203.0.113.7' },
    })
    expect(remote.status).toBe(403)
    expect(remote.headers.get('content-type')).toContain('application/problem+json')
    expect(remote.body.detail).toContain('METRICS_TOKEN')
    // A forged loopback entry ahead of the real client address does not make it local.
    const forged = await request(metrics, {
      headers: { 'x-forwarded-for': '127.0.0.1, 203.0.113.7' },
    })
    expect(forged.status).toBe(403)
    // A proxy on this machine forwarding for this machine is local.
    const local = await request(metrics, { headers: { 'x-forwarded-for': '127.0.0.1' } })
    expect(local.status).toBe(200)
  })

  it('with METRICS_TOKEN, answers only its Bearer, from anywhere', async () => {
    const metrics = await start({ METRICS_TOKEN, TRUST_PROXY: 'true' })
    expect((await request(metrics)).status).toBe(401)
    expect((await request(metrics, { token: 'wrong-token-wrong-token-000000' })).status).toBe(401)
    const scraped = await request<string>(metrics, {
      token: METRICS_TOKEN,
      headers: { 'x-forwarded-for': '203.0.113.7' },
    })
    expect(scraped.status).toBe(200)
    expect(scraped.body).toContain('podium_http_request_seconds')
  })

  it('counts 127.0.0.0/8 and ::1 as loopback, and nothing else', () => {
    for (const a of ['127.0.0.1', '127.9.8.7', '::1', '::ffff:127.0.0.1'])
      expect(isLoopback(a)).toBe(true)
    for (const a of ['10.0.0.1', '::ffff:10.0.0.1', '::2', '1127.0.0.1', undefined, ''])
      expect(isLoopback(a)).toBe(false)
  })
})
