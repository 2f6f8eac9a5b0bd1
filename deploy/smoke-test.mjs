#!/usr/bin/env node
// A deployed Podium, checked the way people use it: ready, a session made and joined,
// the sync endpoint taking a WebSocket, and the session removed again. Run by
// deploy/remote-deploy.sh after each stage; a failing step rolls the deploy back.
//
//   node deploy/smoke-test.mjs https://staging.podium.example.org
//
// Plain Node (20 or later), no dependencies: it runs on any CI runner.
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

const base = (process.argv[2] ?? process.env.PODIUM_URL ?? '').replace(/\/+$/, '')
if (!/^https?:\/\/[^/]+/.test(base)) {
  console.error('Usage: node deploy/smoke-test.mjs <Podium URL, e.g. https://podium.example.org>')
  process.exit(2)
}
const TIMEOUT_MS = Number(process.env.SMOKE_TIMEOUT_MS ?? 10_000)

async function call(method, path, { body, token } = {}) {
  const headers = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (token) headers.authorization = `Bearer ${token}`
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  })
  const text = await response.text()
  let json = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {}
  return { status: response.status, json, text }
}

function expectStatus(what, got, status) {
  if (got.status !== status)
    throw new Error(`${what}: expected ${status}, got ${got.status} ${got.text.slice(0, 200)}`)
}

/** Opens a WebSocket handshake on /sync: 101 Switching Protocols, then closes it. */
function syncHandshake() {
  const url = new URL(`${base}/sync`)
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString(
          'base64',
        ),
      },
      timeout: TIMEOUT_MS,
    })
    req.on('upgrade', (response, socket) => {
      socket.destroy()
      resolve(response.statusCode)
    })
    req.on('response', (response) => {
      response.resume()
      reject(new Error(`/sync answered ${response.statusCode} instead of switching protocols`))
    })
    req.on('timeout', () => req.destroy(new Error('/sync did not answer in time')))
    req.on('error', reject)
    req.end()
  })
}

const steps = []
let session = null
async function step(name, fn) {
  const started = Date.now()
  await fn()
  steps.push(name)
  console.log(`ok   ${name} (${Date.now() - started} ms)`)
}

try {
  await step('GET /readyz', async () => expectStatus('/readyz', await call('GET', '/readyz'), 200))
  await step('GET /status.json', async () => {
    const got = await call('GET', '/status.json')
    expectStatus('/status.json', got, 200)
    if (!got.json || typeof got.json !== 'object') throw new Error('/status.json is not JSON')
  })
  await step('POST /api/sessions', async () => {
    const got = await call('POST', '/api/sessions', {
      body: { title: `Deploy smoke test ${new Date().toISOString()}` },
    })
    expectStatus('creating a session', got, 201)
    session = got.json
  })
  await step('POST /api/join', async () => {
    const got = await call('POST', '/api/join', { body: { code: session.code, name: 'Smoke' } })
    expectStatus('joining it', got, 200)
    const read = await call('GET', `/api/sessions/${session.id}`, { token: got.json.token })
    expectStatus('reading it as the attendee', read, 200)
  })
  await step('WebSocket /sync', async () => {
    const status = await syncHandshake()
    if (status !== 101) throw new Error(`/sync answered ${status}`)
  })
} catch (error) {
  console.error(`FAIL ${error.message}`)
  process.exitCode = 1
} finally {
  if (session) {
    const removed = await call('DELETE', `/api/sessions/${session.id}`, {
      token: session.hostToken,
    }).catch((error) => ({ status: 0, text: error.message }))
    if (removed.status === 204) console.log('ok   DELETE the smoke-test session')
    else {
      console.error(`FAIL removing the smoke-test session: ${removed.status} ${removed.text}`)
      process.exitCode = 1
    }
  }
}
if (process.exitCode !== 1) console.log(`smoke test passed: ${steps.length} steps at ${base}`)
