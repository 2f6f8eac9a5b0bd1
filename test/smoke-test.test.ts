import { execFile } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPodium, type TestPodium } from '../test-support/podium.ts'

// deploy/smoke-test.mjs, which the deploy runs after each stage, against a real Podium
// and against a server that is ready but not Podium.

const root = resolve(import.meta.dirname, '..')
const run = promisify(execFile)

async function smoke(url: string) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['deploy/smoke-test.mjs', url], {
      cwd: root,
      timeout: 60_000,
      env: { ...process.env, SMOKE_TIMEOUT_MS: '5000' },
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

let podium: TestPodium
let impostor: Server
let impostorUrl: string

beforeAll(async () => {
  podium = await startPodium()
  // Ready, and nothing else: what a half-started or wrong container looks like.
  impostor = createServer((request, response) => {
    if (request.url === '/readyz' || request.url === '/status.json') {
      response.setHeader('content-type', 'application/json')
      response.end('{}')
    } else {
      response.statusCode = 404
      response.end('not here')
    }
  })
  await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', r))
  impostorUrl = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`
})

afterAll(async () => {
  await podium?.close()
  await new Promise((r) => impostor?.close(r))
})

describe('deploy/smoke-test.mjs', () => {
  it('passes on a working Podium, and leaves no session behind', async () => {
    const result = await smoke(podium.url)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    for (const step of ['GET /readyz', 'POST /api/sessions', 'POST /api/join', 'WebSocket /sync'])
      expect(result.stdout).toContain(`ok   ${step}`)
    expect(result.stdout).toContain('smoke test passed: 5 steps')
    const left = await podium.podium.services.db.kysely
      .selectFrom('sessions')
      .select('id')
      .where('title', 'like', 'Deploy smoke test%')
      .execute()
    expect(left).toEqual([])
  }, 60_000)

  it('fails, naming the step, on a server that is ready but does not serve Podium', async () => {
    const result = await smoke(impostorUrl)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/FAIL creating a session: expected 201, got 404/)
  }, 60_000)

  it('asks for a URL when given none', async () => {
    const result = await smoke('not-a-url')
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('Usage: node deploy/smoke-test.mjs')
  })
})
