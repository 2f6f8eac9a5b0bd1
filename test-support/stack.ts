// Podium as docker-compose runs it, on this machine and on 127.0.0.1 only: the repository's
// Caddyfile in Debian's caddy in front of two sync-server processes and signal-server, on
// Postgres and Redis. The failover tests and `npm run bench:failover` kill, drain and
// restart its parts. Postgres and Redis are the shared test ones (a schema of its own), or
// private ones started here, which a test may stop and start again.
import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createTestSchema, type TestSchema } from './postgres.ts'
import { answersOk, Child, freePort, until } from './processes.ts'

export const repoRoot = resolve(import.meta.dirname, '..')
export const TOKEN_SECRET = 'failover-secret-failover-secret-failover'
const SHARED_REDIS = process.env.PODIUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Whether a TCP connection to 127.0.0.1:`port` opens within a second. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    const end = (ok: boolean) => {
      socket.destroy()
      done(ok)
    }
    socket.setTimeout(1000, () => end(false))
    socket.once('connect', () => end(true))
    socket.once('error', () => end(false))
  })
}

/** A Redis of our own on a free port, which a test may kill and start again (no data kept). */
export class PrivateRedis {
  private readonly child: Child
  private constructor(readonly port: number) {
    this.child = new Child('redis-server', 'redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ])
  }

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort())
    await redis.start()
    return redis
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    this.child.start()
    await until(() => listening(this.port), `redis-server on ${this.port}\n${this.child.output}`)
  }

  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.child.stop(signal)
  }

  get running(): boolean {
    return this.child.running
  }
}

/** The directory with Debian's Postgres server programs (initdb, postgres), newest first. */
function postgresBin(): string {
  const base = '/usr/lib/postgresql'
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : []
  for (const v of versions) if (existsSync(join(base, v, 'bin/initdb'))) return join(base, v, 'bin')
  throw new Error(
    'no Postgres server programs under /usr/lib/postgresql: apt-get install postgresql',
  )
}

/** The uid and gid Postgres runs as when we are root (it refuses to run as root). */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim())
  return { uid: id('-u'), gid: id('-g') }
}

/**
 * A Postgres cluster of our own (initdb in a temporary folder, trust auth, fsync off) on a
 * free port, which a test may stop and start again over the same data.
 */
export class PrivatePostgres {
  private readonly child: Child
  private constructor(
    readonly port: number,
    readonly dir: string,
    user: { uid: number; gid: number } | undefined,
  ) {
    this.child = new Child(
      'postgres',
      join(postgresBin(), 'postgres'),
      [
        '-D',
        join(dir, 'data'),
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'max_connections=60',
      ],
      user ? { uid: user.uid, gid: user.gid } : {},
    )
  }

  static async start(): Promise<PrivatePostgres> {
    const dir = tempDir('podium-pg-')
    const user = postgresUser()
    if (user) chownSync(dir, user.uid, user.gid)
    execFileSync(
      join(postgresBin(), 'initdb'),
      ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync'],
      { stdio: 'ignore', ...(user ? { uid: user.uid, gid: user.gid } : {}) },
    )
    const pg = new PrivatePostgres(await freePort(), dir, user)
    await pg.start()
    return pg
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`
  }

  async start(): Promise<void> {
    this.child.start()
    await until(
      () => listening(this.port),
      `postgres on ${this.port}\n${this.child.output}`,
      60_000,
    )
  }

  /** SIGINT is Postgres' fast shutdown: sessions are ended, and the data is kept. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
    await this.child.stop(signal)
  }

  get running(): boolean {
    return this.child.running
  }

  async remove(): Promise<void> {
    await this.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** One sync-server process (`sync-server/src/main.ts`), as a container runs it. */
export class SyncInstance {
  readonly child: Child
  readonly dataDir = tempDir('podium-sync-')

  constructor(
    readonly port: number,
    env: Record<string, string>,
  ) {
    this.child = new Child(
      'sync-server',
      process.execPath,
      ['--import', 'tsx', 'sync-server/src/main.ts'],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? '',
          HOST: '127.0.0.1',
          PORT: String(port),
          DATA_DIR: this.dataDir,
          LOG_LEVEL: 'info',
          TOKEN_SECRET,
          TRUST_PROXY: 'true',
          STORE_DEBOUNCE_MS: '200',
          ...env,
        },
      },
    )
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** Starts the process; resolves once /readyz answers 200. */
  async start(timeoutMs = 90_000): Promise<void> {
    this.child.start()
    await until(
      () => {
        this.child.assertRunning()
        return answersOk(`${this.url}/readyz`)
      },
      `sync-server on ${this.port} ready`,
      timeoutMs,
      50,
    )
  }

  /** Resolves with how long the process took to exit after `signal`, and its exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ ms: number; code: number | null }> {
    const started = Date.now()
    const { code } = await this.child.stop(signal)
    return { ms: Date.now() - started, code }
  }

  remove(): void {
    rmSync(this.dataDir, { recursive: true, force: true })
  }
}

/** signal-server as its own process (`signal-server/src/main.ts`). */
class SignalInstance {
  readonly child: Child
  constructor(
    readonly port: number,
    env: Record<string, string>,
  ) {
    this.child = new Child(
      'signal-server',
      process.execPath,
      ['--import', 'tsx', 'signal-server/src/main.ts'],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? '',
          HOST: '127.0.0.1',
          SIGNAL_PORT: String(port),
          LOG_LEVEL: 'warn',
          TOKEN_SECRET,
          TRUST_PROXY: 'true',
          ...env,
        },
      },
    )
  }

  async start(): Promise<void> {
    this.child.start()
    await until(
      () => {
        this.child.assertRunning()
        return answersOk(`http://127.0.0.1:${this.port}/healthz`)
      },
      `signal-server on ${this.port}`,
      90_000,
      50,
    )
  }
}

/**
 * The environment under which the repository's Caddyfile serves `http://127.0.0.1:<port>`
 * from the given sync-server and signal-server addresses, with no admin endpoint.
 */
export function caddyEnv(port: number, syncUpstreams: string[], signalUpstream: string) {
  return {
    PODIUM_DOMAIN: `http://127.0.0.1:${port}`,
    ACME_EMAIL: 'ops@example.org',
    CADDY_ADMIN: 'off',
    SYNC_UPSTREAMS_FROM: 'list',
    SYNC_UPSTREAMS: syncUpstreams.join(' '),
    SIGNAL_UPSTREAM: signalUpstream,
  }
}

/** Debian's caddy running the repository's Caddyfile. */
class Caddy {
  readonly child: Child
  readonly home = tempDir('podium-caddy-')
  constructor(
    readonly port: number,
    env: Record<string, string>,
  ) {
    this.child = new Child(
      'caddy',
      'caddy',
      ['run', '--config', join(repoRoot, 'Caddyfile'), '--adapter', 'caddyfile'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: this.home,
          XDG_DATA_HOME: join(this.home, 'data'),
          XDG_CONFIG_HOME: join(this.home, 'config'),
          ...env,
        },
      },
    )
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    this.child.start()
    await until(
      () => {
        this.child.assertRunning()
        return answersOk(`${this.url}/healthz`)
      },
      `caddy on ${this.port}`,
      30_000,
      50,
    )
  }
}

export interface StackOptions {
  /** Private Postgres and Redis, which the test may stop and start (default: the shared ones). */
  privateServices?: boolean
  /** More sync-server environment (INGEST_TICK_MS, ...). */
  env?: Record<string, string>
}

/** The whole stack: Caddy, two sync-servers, signal-server, Postgres, Redis. */
export class Stack {
  private constructor(
    readonly caddy: Caddy,
    readonly sync: [SyncInstance, SyncInstance],
    readonly signal: SignalInstance,
    readonly databaseUrl: string,
    readonly schema: string,
    readonly redisUrl: string,
    readonly postgres: PrivatePostgres | undefined,
    readonly redis: PrivateRedis | undefined,
    private readonly testSchema: TestSchema | undefined,
  ) {}

  static async start(options: StackOptions = {}): Promise<Stack> {
    let postgres: PrivatePostgres | undefined
    let redis: PrivateRedis | undefined
    let testSchema: TestSchema | undefined
    let databaseUrl: string
    let schema: string
    if (options.privateServices) {
      postgres = await PrivatePostgres.start()
      redis = await PrivateRedis.start()
      databaseUrl = postgres.url
      schema = ''
    } else {
      testSchema = await createTestSchema()
      databaseUrl = testSchema.url
      schema = testSchema.schema
    }
    const redisUrl = redis?.url ?? SHARED_REDIS
    const inSchema: Record<string, string> = schema ? { DATABASE_SCHEMA: schema } : {}
    const env = {
      DATABASE_URL: databaseUrl,
      ...inSchema,
      REDIS_URL: redisUrl,
      ...options.env,
    }
    const sync: [SyncInstance, SyncInstance] = [
      new SyncInstance(await freePort(), env),
      new SyncInstance(await freePort(), env),
    ]
    const signal = new SignalInstance(await freePort(), {
      DATABASE_URL: databaseUrl,
      ...inSchema,
      REDIS_URL: redisUrl,
    })
    const caddyPort = await freePort()
    const caddy = new Caddy(
      caddyPort,
      caddyEnv(
        caddyPort,
        sync.map((s) => `127.0.0.1:${s.port}`),
        `127.0.0.1:${signal.port}`,
      ),
    )
    const stack = new Stack(
      caddy,
      sync,
      signal,
      databaseUrl,
      schema,
      redisUrl,
      postgres,
      redis,
      testSchema,
    )
    try {
      // Together: the migrator's lock lets one of them migrate the schema.
      await Promise.all([sync[0].start(), sync[1].start()])
      await signal.start()
      await caddy.start()
    } catch (error) {
      await stack.close()
      throw error
    }
    return stack
  }

  get url(): string {
    return this.caddy.url
  }

  get syncUrl(): string {
    return `${this.caddy.url.replace(/^http/, 'ws')}/sync`
  }

  /** Everything the processes wrote, for a failure message. */
  output(): string {
    return [this.caddy.child, ...this.sync.map((s) => s.child), this.signal.child]
      .map((c) => `--- ${c.name}\n${c.output.slice(-4000)}`)
      .join('\n')
  }

  async close(): Promise<void> {
    await this.caddy.child.stop('SIGKILL')
    await Promise.all(this.sync.map((s) => s.stop('SIGKILL')))
    await this.signal.child.stop('SIGKILL')
    for (const s of this.sync) s.remove()
    rmSync(this.caddy.home, { recursive: true, force: true })
    await this.redis?.stop()
    await this.postgres?.remove()
    await this.testSchema?.drop()
  }
}
