// Test support shared by every package's tests (sync-server, signal-server, e2e): a
// real Podium on a free port, built through sync-server's public module as main.ts
// builds it, and a JSON request helper.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPodium, loadConfig, type Podium, type PodiumOptions } from '@podium/sync-server'
import pino from 'pino'
import { createTestSchema } from './postgres.ts'

export interface TestPodium {
  podium: Podium
  /** http://127.0.0.1:<port> */
  url: string
  /** ws://127.0.0.1:<port>/sync */
  syncUrl: string
  dataDir: string
  close(): Promise<void>
}

/**
 * A real Podium on a free port with its own data folder (SQLite by default, or Postgres
 * in its own schema when `env.DATABASE_URL` is given). Pass the same `dataDir` again to
 * restart over the same data.
 */
export async function startPodium(
  env: Record<string, string> = {},
  options: PodiumOptions & { dataDir?: string; keepData?: boolean } = {},
): Promise<TestPodium> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'podium-test-'))
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    TOKEN_SECRET: 'test-secret-test-secret-test-secret-0000',
    STORE_DEBOUNCE_MS: '200',
    INGEST_TICK_MS: '20',
    ...env,
  })
  const podium = await createPodium(config, {
    logger: pino({ level: config.logLevel }),
    ...options,
  })
  const url = await podium.listen()
  return {
    podium,
    url,
    syncUrl: `${url.replace(/^http/, 'ws')}/sync`,
    dataDir,
    async close() {
      await podium.close()
      if (!options.keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * `startPodium` on SQLite or on Postgres (in a schema of its own, dropped by `close`), for
 * suites that run once per database (`describe.each(['sqlite', 'postgres'])`).
 */
export async function startPodiumOn(
  dialect: 'sqlite' | 'postgres',
  env: Record<string, string> = {},
  options: PodiumOptions & { dataDir?: string; keepData?: boolean } = {},
): Promise<TestPodium> {
  const schema = dialect === 'postgres' ? await createTestSchema() : undefined
  const server = await startPodium(
    { ...env, ...(schema ? { DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema } : {}) },
    options,
  ).catch(async (error: unknown) => {
    await schema?.drop()
    throw error
  })
  return {
    ...server,
    async close() {
      await server.close()
      await schema?.drop()
    },
  }
}

/** JSON request helper: returns status, headers and parsed body. */
export async function request<T = unknown>(
  url: string,
  init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = { ...init.headers }
  if (init.body !== undefined && !headers['content-type'])
    headers['content-type'] = 'application/json'
  if (init.token) headers.authorization = `Bearer ${init.token}`
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? init.body
          : JSON.stringify(init.body),
  })
  const text = await response.text()
  let body: unknown = text
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: body as T, headers: response.headers }
}
