// What `npm test` needs from the machine, and how it gets it. Vitest runs this once before
// any test (globalSetup); `node scripts/test-environment.mjs` runs it alone. As root on
// Debian it installs missing programs with apt and starts Postgres and Redis when they do
// not answer; elsewhere it stops the run with a list of what is missing and how to get it.
// It never lets a suite skip itself.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'

export const POSTGRES_URL =
  process.env.PODIUM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env.PODIUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** Programs the tests run, each with the Debian package that has it and why it is needed. */
export const PROGRAMS = [
  { command: 'turnserver', pkg: 'coturn', why: 'the TURN tests run the real coturn' },
  { command: 'openssl', pkg: 'openssl', why: 'the TURN-over-TLS test makes a certificate' },
  { command: 'pg_dump', pkg: 'postgresql-client', why: 'the backup tests dump and restore' },
  { command: 'psql', pkg: 'postgresql-client', why: 'the backup tests run the restore check' },
  {
    command: 'promtool',
    pkg: 'prometheus',
    why: 'the monitoring tests check and unit-test the alert rules',
  },
  {
    command: 'janus',
    pkg: 'janus',
    why: 'the SFU tests run the real Janus (VideoRoom plugin)',
  },
  {
    command: 'janus-pp-rec',
    pkg: 'janus-tools',
    why: 'the recording tests turn Janus recordings into playable files',
  },
  {
    command: 'ffmpeg',
    pkg: 'ffmpeg',
    why: 'the broadcast and recording tests run the real ffmpeg',
  },
  {
    command: 'caddy',
    pkg: 'caddy',
    why: 'the failover tests run the Caddyfile in front of two sync-servers',
  },
]

/**
 * Chromium for the e2e tests: Debian's, unless CHROMIUM_PATH names another. Off Debian, the
 * test helper (test-support/browser.ts) installs Playwright's own instead.
 */
export const CHROMIUM = { command: 'chromium', pkg: 'chromium', why: 'the e2e tests drive it' }
const needsChromium = () => !process.env.CHROMIUM_PATH && !existsSync('/usr/bin/chromium')

/**
 * What to do, decided from what the machine has (pure, so it is tested without a machine).
 * `facts.missing` are the programs not found; `facts.postgres` and `facts.redis` say whether
 * each answers; `facts.local*` whether its URL points at this machine (only a local service
 * can be started here).
 * @param {{ root: boolean, debian: boolean, missing: (typeof CHROMIUM)[], postgres: boolean,
 *   redis: boolean, localPostgres: boolean, localRedis: boolean, hasPostgresServer: boolean,
 *   hasRedisServer: boolean }} facts
 * @returns {{ install: string[], start: ('postgres' | 'redis')[], problems: string[] }}
 */
export function plan(facts) {
  const canInstall = facts.root && facts.debian
  const install = new Set()
  const start = []
  const problems = []
  for (const program of facts.missing) {
    if (canInstall) install.add(program.pkg)
    else if (program === CHROMIUM) continue
    else
      problems.push(
        `${program.command} is not installed (${program.why}): install ${program.pkg} (Debian: apt-get install ${program.pkg}).`,
      )
  }
  const services = [
    {
      name: /** @type {const} */ ('postgres'),
      up: facts.postgres,
      local: facts.localPostgres,
      has: facts.hasPostgresServer,
      pkg: 'postgresql',
      url: POSTGRES_URL,
      variable: 'PODIUM_TEST_POSTGRES_URL',
    },
    {
      name: /** @type {const} */ ('redis'),
      up: facts.redis,
      local: facts.localRedis,
      has: facts.hasRedisServer,
      pkg: 'redis-server',
      url: REDIS_URL,
      variable: 'PODIUM_TEST_REDIS_URL',
    },
  ]
  for (const s of services) {
    if (s.up) continue
    if (!s.local) {
      problems.push(`${s.name} does not answer at ${s.variable}=${s.url}: start it there.`)
      continue
    }
    if (s.has || canInstall) {
      if (!s.has) install.add(s.pkg)
      start.push(s.name)
      continue
    }
    problems.push(
      `${s.name} does not answer at ${s.url} and is not installed: install ${s.pkg} and start it, or set ${s.variable} to one that runs.`,
    )
  }
  return { install: [...install], start, problems }
}

function onPath(command) {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin'])
  return dirs.some((dir) => dir && existsSync(`${dir}/${command}`))
}

function isDebian() {
  if (existsSync('/etc/debian_version')) return true
  try {
    return /ID(_LIKE)?=.*debian/.test(readFileSync('/etc/os-release', 'utf8'))
  } catch {
    return false
  }
}

function isLocal(url) {
  const host = new URL(url).hostname
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1'
}

/** Whether something accepts a TCP connection at the URL's host and port within a second. */
function answers(url, defaultPort) {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect({
      host: hostname.replace(/^\[|\]$/g, ''),
      port: Number(port || defaultPort),
    })
    const done = (ok) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

async function waitFor(check, what, seconds = 30) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${what} did not come up within ${seconds} s`)
}

function run(command, args) {
  process.stderr.write(`[test environment] ${command} ${args.join(' ')}\n`)
  execFileSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
}

let aptUpdated = false
function aptInstall(packages) {
  if (!aptUpdated) {
    run('apt-get', ['update', '-qq'])
    aptUpdated = true
  }
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages])
}

function startPostgres() {
  const versions = readdirSync('/etc/postgresql').sort((a, b) => Number(a) - Number(b))
  const version = versions.at(-1)
  if (!version) throw new Error('Postgres is installed but has no cluster in /etc/postgresql')
  run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'])
}

function startRedis() {
  const port = new URL(REDIS_URL).port || '6379'
  run('redis-server', [
    '--daemonize',
    'yes',
    '--bind',
    '127.0.0.1',
    '-::1',
    '--port',
    port,
    '--save',
    '',
    '--appendonly',
    'no',
  ])
}

/** psql as postgres on the test URL's server, or null when that cannot log in. */
function psqlAdmin(sqlText) {
  const url = new URL(POSTGRES_URL)
  const result = spawnSync(
    'psql',
    [
      '-h',
      url.hostname,
      '-p',
      url.port || '5432',
      '-U',
      decodeURIComponent(url.username || 'postgres'),
      '-w',
      '-d',
      'postgres',
      '-tAc',
      sqlText,
    ],
    { encoding: 'utf8', env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) } },
  )
  return result.status === 0 ? result.stdout.trim() : null
}

/**
 * A Debian cluster we just installed asks for a password over TCP; the tests connect without
 * one. Only for a cluster this script installed, or in CI: a developer's own server is theirs.
 */
function trustLocalConnections() {
  const hba = spawnSync('su', ['postgres', '-c', "psql -tAc 'show hba_file'"], { encoding: 'utf8' })
  const file = hba.stdout.trim()
  if (hba.status !== 0 || !file) throw new Error('could not find pg_hba.conf to allow the tests in')
  const trust = 'host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n'
  if (readFileSync(file, 'utf8').startsWith(trust)) return
  const prepend = `printf '%s' "$1" | cat - "$2" > "$2.new" && mv "$2.new" "$2" && chown postgres: "$2"`
  run('sh', ['-c', prepend, 'sh', trust, file])
  run('su', ['postgres', '-c', "psql -tAc 'select pg_reload_conf()'"])
}

function ensureTestDatabase(installedNow) {
  if (psqlAdmin('select 1') === null) {
    if (!installedNow && process.env.CI !== 'true')
      throw new Error(
        `Postgres refuses ${POSTGRES_URL} without a password: allow it (trust) for local tests, or set PODIUM_TEST_POSTGRES_URL.`,
      )
    trustLocalConnections()
  }
  const name = new URL(POSTGRES_URL).pathname.slice(1) || 'test'
  if (psqlAdmin(`select 1 from pg_database where datname = '${name.replace(/'/g, "''")}'`) !== '1')
    psqlAdmin(`create database "${name.replace(/"/g, '""')}"`)
}

/** Provides what the tests need, or throws with everything that is missing. */
export async function provide() {
  const facts = {
    root: process.getuid?.() === 0,
    debian: isDebian(),
    missing: [
      ...PROGRAMS.filter((p) => !onPath(p.command)),
      ...(needsChromium() ? [CHROMIUM] : []),
    ],
    postgres: await answers(POSTGRES_URL, 5432),
    redis: await answers(REDIS_URL, 6379),
    localPostgres: isLocal(POSTGRES_URL),
    localRedis: isLocal(REDIS_URL),
    hasPostgresServer: onPath('pg_ctlcluster') && existsSync('/etc/postgresql'),
    hasRedisServer: onPath('redis-server'),
  }
  const todo = plan(facts)
  if (todo.problems.length > 0)
    throw new Error(`The tests cannot run on this machine yet:\n- ${todo.problems.join('\n- ')}`)
  if (todo.install.length > 0) aptInstall(todo.install)
  const installedPostgres = todo.install.includes('postgresql')
  if (todo.start.includes('postgres')) {
    if (!(await answers(POSTGRES_URL, 5432))) startPostgres()
    await waitFor(() => answers(POSTGRES_URL, 5432), `Postgres at ${POSTGRES_URL}`)
  }
  if (todo.start.includes('redis')) {
    if (!(await answers(REDIS_URL, 6379))) startRedis()
    await waitFor(() => answers(REDIS_URL, 6379), `Redis at ${REDIS_URL}`)
  }
  if (isLocal(POSTGRES_URL) && onPath('psql')) ensureTestDatabase(installedPostgres)
}

/** Vitest's globalSetup entry. */
export default async function setup() {
  await provide()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  provide().then(
    () => process.stdout.write('The test environment is ready.\n'),
    (error) => {
      process.stderr.write(`${error.message}\n`)
      process.exit(1)
    },
  )
}
