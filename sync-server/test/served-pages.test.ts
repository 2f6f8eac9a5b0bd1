import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { precompressDir } from '../../scripts/precompress.ts'
import { startPodium, type TestPodium } from '../../test-support/podium.ts'

/** A raw GET (fetch would pick its own Accept-Encoding and decode the body). */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

// A client build as Vite lays it out: hashed files under assets/, the rest at the top.
const script = `export const greeting = ${JSON.stringify('hello from the podium client '.repeat(200))};\n`
const page = `<!doctype html><html><head><script type="module" src="/assets/index-AbC123.js"></script></head><body>${'<p>Podium</p>'.repeat(200)}</body></html>`
let dist: string

beforeAll(() => {
  dist = mkdtempSync(join(tmpdir(), 'podium-dist-'))
  mkdirSync(join(dist, 'assets'))
  writeFileSync(join(dist, 'assets', 'index-AbC123.js'), script)
  writeFileSync(join(dist, 'index.html'), page)
  writeFileSync(
    join(dist, 'sw.js'),
    `self.addEventListener('fetch', () => {});\n${'//\n'.repeat(600)}`,
  )
  precompressDir(dist)
})
afterAll(() => rmSync(dist, { recursive: true, force: true }))

const started: TestPodium[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.close()))
})
async function start(env: Record<string, string> = {}): Promise<TestPodium> {
  const podium = await startPodium({ CLIENT_DIST: dist, ...env })
  started.push(podium)
  return podium
}

describe('the built client', () => {
  it('sends the build’s brotli or gzip copy by Accept-Encoding, varying on it', async () => {
    const { url } = await start()
    const asset = `${url}/assets/index-AbC123.js`
    const br = await get(asset, { 'accept-encoding': 'gzip, deflate, br' })
    expect(br.status).toBe(200)
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['content-type']).toMatch(/javascript/)
    expect(br.headers.vary).toMatch(/accept-encoding/i)
    expect(brotliDecompressSync(br.body).toString()).toBe(script)
    expect(br.body.length).toBeLessThan(script.length / 4)

    const gz = await get(asset, { 'accept-encoding': 'gzip' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gz.body).toString()).toBe(script)

    const plain = await get(asset)
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers.vary).toMatch(/accept-encoding/i)
    expect(plain.body.toString()).toBe(script)
  })

  it('caches hashed assets for a year, and makes index.html and the service worker revalidate', async () => {
    const { url } = await start()
    const asset = await get(`${url}/assets/index-AbC123.js`, { 'accept-encoding': 'br' })
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable')

    for (const path of ['/', '/j/ABC123', '/s/some-session/host']) {
      const html = await get(`${url}${path}`, { 'accept-encoding': 'br' })
      expect(html.status, path).toBe(200)
      expect(html.headers['content-type']).toMatch(/text\/html/)
      expect(html.headers['content-encoding'], path).toBe('br')
      expect(brotliDecompressSync(html.body).toString()).toBe(page)
      expect(html.headers['cache-control'], path).toBe('no-cache')
    }
    const sw = await get(`${url}/sw.js`)
    expect(sw.headers['cache-control']).toBe('no-cache')
  })
})

describe('security headers', () => {
  const csp = (headers: IncomingHttpHeaders) => String(headers['content-security-policy'] ?? '')

  it('are on pages, files, the API and health checks alike', async () => {
    const { url } = await start()
    for (const path of ['/', '/j/ABC123', '/assets/index-AbC123.js', '/api/nothing', '/healthz']) {
      const { headers } = await get(`${url}${path}`)
      expect(csp(headers), path).toContain("frame-ancestors 'none'")
      expect(csp(headers), path).toContain("default-src 'self'")
      expect(csp(headers), path).toContain("object-src 'none'")
      expect(headers['x-content-type-options'], path).toBe('nosniff')
      expect(headers['x-frame-options'], path).toBe('DENY')
      expect(headers['referrer-policy'], path).toBe('same-origin')
      expect(headers['permissions-policy'], path).toContain('camera=(self)')
      expect(headers['permissions-policy'], path).toContain('geolocation=()')
      // Plain http: no HSTS (a browser would ignore it, and a local test must not pin it).
      expect(headers['strict-transport-security'], path).toBeUndefined()
    }
  })

  it('let the page connect to its own WebSockets and to SIGNALING_URL, and show camera streams and QR codes', async () => {
    const { url } = await start({ SIGNALING_URL: 'https://signal.example.org' })
    const policy = csp((await get(`${url}/`)).headers)
    const host = new URL(url).host
    const connect = policy.split('; ').find((d) => d.startsWith('connect-src '))
    expect(connect).toContain(`ws://${host}`)
    expect(connect).toContain('wss://signal.example.org')
    expect(connect).toContain('https://signal.example.org')
    expect(policy).toContain("img-src 'self' data: blob:")
    expect(policy).toContain("media-src 'self' blob: mediastream:")
  })

  it('add HSTS only when the request came over https through a trusted proxy, or PUBLIC_URL is https', async () => {
    const behindProxy = await start({ TRUST_PROXY: 'true' })
    const overHttps = await get(`${behindProxy.url}/`, { 'x-forwarded-proto': 'https' })
    expect(overHttps.headers['strict-transport-security']).toBe('max-age=31536000')
    const overHttp = await get(`${behindProxy.url}/`, { 'x-forwarded-proto': 'http' })
    expect(overHttp.headers['strict-transport-security']).toBeUndefined()

    // Without TRUST_PROXY, anyone could claim https: the header is not believed.
    const direct = await start()
    const claimed = await get(`${direct.url}/`, { 'x-forwarded-proto': 'https' })
    expect(claimed.headers['strict-transport-security']).toBeUndefined()

    const published = await start({ PUBLIC_URL: 'https://podium.example.org' })
    const api = await get(`${published.url}/api/nothing`)
    expect(api.headers['strict-transport-security']).toBe('max-age=31536000')
    expect(csp(api.headers)).toContain('wss://podium.example.org')
  })
})
