import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { SignalEnv } from '../signal-server/src/config.ts'
import { EnvSchema } from '../sync-server/src/config.ts'
import { caddyEnv } from '../test-support/stack.ts'

// The deployment files can't be run here (no container engine), so this checks what
// would break them: unknown variables, missing files, and references that don't match.

const root = resolve(import.meta.dirname, '..')
const read = (path: string) => readFileSync(join(root, path), 'utf8')
const appKeys = new Set(Object.keys(EnvSchema.shape))
/** What each image reads from its environment, and the variable its port is in. */
const images = {
  Dockerfile: { name: 'sync-server', schema: EnvSchema, portKey: 'PORT' },
  'signal-server/Dockerfile': { name: 'signal-server', schema: SignalEnv, portKey: 'SIGNAL_PORT' },
} as const

interface ComposeService {
  image?: string
  build?: string | { context?: string; dockerfile?: string }
  environment?: Record<string, string | number | boolean | null> | string[]
  volumes?: string[]
  depends_on?: string[] | Record<string, { condition: string }>
  command?: string[] | string
  entrypoint?: string[] | string
  network_mode?: string
  networks?: string[] | Record<string, { ipv4_address?: string } | null>
}
interface Compose {
  services: Record<string, ComposeService>
  volumes?: Record<string, unknown>
  networks?: Record<string, { ipam?: { config?: { subnet?: string }[] } } | null>
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as Compose
const services = Object.entries(compose.services)

function environment(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {}
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((line) => [line.split('=')[0]!, line.split('=').slice(1).join('=')]),
    )
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value ?? '')]))
}

function dockerfileOf(service: ComposeService): string | undefined {
  if (!service.build) return undefined
  if (typeof service.build === 'string') return join(service.build, 'Dockerfile')
  return join(service.build.context ?? '.', service.build.dockerfile ?? 'Dockerfile')
}

/** `${NAME}`, `${NAME:-default}`, `${NAME:?message}` in a compose file (`$$` is a literal `$`). */
function interpolated(text: string): Set<string> {
  const names = new Set<string>()
  for (const match of text.replaceAll('$$', '').matchAll(/\$\{([A-Z0-9_]+)(?:[:?-][^}]*)?\}/g)) {
    names.add(match[1]!)
  }
  return names
}

/** Variables `.env.example` lists, set or commented out (`# NAME=...`). */
function envExampleKeys(): Set<string> {
  const keys = new Set<string>()
  for (const line of read('.env.example').split('\n')) {
    const match = /^#?\s?([A-Z][A-Z0-9_]*)=/.exec(line)
    if (match) keys.add(match[1]!)
  }
  return keys
}

describe('docker-compose.yml', () => {
  it('has the services of a self-hosted Podium, and the monitoring profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'backups',
        'caddy',
        'coturn',
        'janus',
        'postgres',
        'redis',
        'signal-server',
        'sync-server',
        'prometheus',
        'grafana',
      ].sort(),
    )
  })

  for (const [name, service] of services) {
    it(`${name}: has an image or a build whose Dockerfile exists`, () => {
      expect(service.image ?? service.build, `${name} needs an image or a build`).toBeTruthy()
      const dockerfile = dockerfileOf(service)
      if (dockerfile)
        expect(existsSync(join(root, dockerfile)), `${dockerfile} is missing`).toBe(true)
    })

    it(`${name}: mounts files that exist and volumes that are declared`, () => {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!
        if (source.startsWith('.') || source.startsWith('/')) {
          expect(existsSync(join(root, source)), `${name} mounts ${source}, which is missing`).toBe(
            true,
          )
        } else {
          expect(Object.keys(compose.volumes ?? {}), `${name} uses volume ${source}`).toContain(
            source,
          )
        }
      }
    })

    it(`${name}: depends only on services that exist`, () => {
      const needs = Array.isArray(service.depends_on)
        ? service.depends_on
        : Object.keys(service.depends_on ?? {})
      for (const other of needs) expect(Object.keys(compose.services)).toContain(other)
    })
  }

  for (const [dockerfile, image] of Object.entries(images)) {
    it(`${image.name}: sets only variables its image reads, with valid values`, () => {
      const built = services.filter(([, s]) => dockerfileOf(s) === dockerfile)
      expect(built.map(([name]) => name)).toEqual([image.name])
      const env = environment(built[0]![1])
      const known = Object.keys(image.schema.shape)
      for (const key of Object.keys(env)) {
        expect(known, `${image.name} sets ${key}, which it does not read`).toContain(key)
      }
      expect(env[image.portKey]).toMatch(/^\d+$/)
      const parsed = image.schema.safeParse(withSampleValues(env))
      expect(parsed.error?.issues ?? []).toEqual([])
    })
  }

  it('gives the sync-servers what running several of them needs', () => {
    const env = environment(compose.services['sync-server']!)
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        'DATABASE_URL',
        'REDIS_URL',
        'TOKEN_SECRET',
        'TURN_SECRET',
        'PUBLIC_URL',
      ]),
    )
    // Both verify the same tokens: the same secret from .env.
    const signal = environment(compose.services['signal-server']!)
    expect([...interpolated(signal.TOKEN_SECRET!)]).toEqual(['TOKEN_SECRET'])
    expect([...interpolated(env.TOKEN_SECRET!)]).toEqual(['TOKEN_SECRET'])
  })

  it('lists every variable it needs in .env.example', () => {
    const documented = envExampleKeys()
    for (const name of interpolated(read('docker-compose.yml'))) {
      expect(documented, `docker-compose.yml uses \${${name}}; add it to .env.example`).toContain(
        name,
      )
    }
  })

  it('mounts the backup scripts the backups service runs', () => {
    const backups = compose.services.backups!
    const entrypoint = [backups.entrypoint ?? []].flat().join(' ')
    const mount = (backups.volumes ?? []).find((v) => v.startsWith('./deploy/backups:'))!
    const inside = mount.split(':')[1]!
    const script = /\S+\.sh/.exec(entrypoint)?.[0] ?? ''
    expect(script.startsWith(`${inside}/`)).toBe(true)
    expect(existsSync(join(root, 'deploy/backups', script.slice(inside.length + 1)))).toBe(true)
  })
})

describe('the HLS broadcast under compose', () => {
  const signal = compose.services['signal-server']!

  it('the signal-server image has ffmpeg, and a DATA_DIR its user may write', () => {
    const runtime = finalStage(read('signal-server/Dockerfile'))
    expect(
      runtime.some((line) => /^RUN .*apt-get install .*\bffmpeg\b/.test(line)),
      'signal-server/Dockerfile: the runtime stage installs no ffmpeg, so there is no broadcast',
    ).toBe(true)
    const imageDir = runtime
      .map((line) => /^ENV .*\bDATA_DIR=(\S+)/.exec(line)?.[1])
      .find((dir) => dir !== undefined)
    const dir = environment(signal).DATA_DIR ?? imageDir
    expect(dir, 'the signal-server writes broadcasts under DATA_DIR: set it').toMatch(/^\//)
    expect(
      runtime.some((line) => line.startsWith('RUN ') && line.includes(`chown node:node ${dir}`)),
      `${dir} must belong to the image's user (node)`,
    ).toBe(true)
  })

  it("sends the RTP to the signal-server's fixed address, which janus's host routes to", () => {
    // Janus runs on the host's network: 127.0.0.1 there is the host, not the container.
    expect(compose.services.janus!.network_mode).toBe('host')
    const address = environment(signal).BROADCAST_RTP_ADDRESS ?? ''
    expect(address, 'set BROADCAST_RTP_ADDRESS on signal-server').toMatch(/^\d+\.\d+\.\d+\.\d+$/)
    const networks = Array.isArray(signal.networks) ? {} : (signal.networks ?? {})
    const on = Object.entries(networks).filter(([, n]) => n?.ipv4_address === address)
    expect(
      on.map(([name]) => name),
      `signal-server has no fixed address ${address} on a network`,
    ).toHaveLength(1)
    const subnets = (compose.networks?.[on[0]![0]]?.ipam?.config ?? []).map((c) => c.subnet ?? '')
    expect(
      subnets.some((subnet) => inSubnet(address, subnet)),
      `${address} is outside the subnets of network ${on[0]![0]} (${subnets.join(', ')})`,
    ).toBe(true)
    // Routed to, never published: it is reachable from the host only.
    expect(Object.keys(signal)).not.toContain('ports')
  })
})

/** The lines of a Dockerfile's last stage, continuation lines joined. */
function finalStage(dockerfile: string): string[] {
  const lines = dockerfile.replace(/\\\n\s*/g, ' ').split('\n')
  const from = lines.findLastIndex((line) => line.startsWith('FROM '))
  return lines.slice(from)
}

/** Whether an IPv4 address lies in a CIDR subnet. */
function inSubnet(address: string, subnet: string): boolean {
  const [base = '', bits = '32'] = subnet.split('/')
  const value = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0)
  const size = 2 ** (32 - Number(bits))
  return Math.floor(value(address) / size) === Math.floor(value(base) / size)
}

/** A compose environment with `${...}` replaced by plausible values, to check it parses. */
function withSampleValues(env: Record<string, string>): Record<string, string> {
  const sample: Record<string, string> = {
    POSTGRES_PASSWORD: 'secret',
    PODIUM_DOMAIN: 'podium.example.org',
    TOKEN_SECRET: 'a-token-secret-of-at-least-32-characters',
    TURN_SECRET: 'a-turn-secret-0123456789',
    METRICS_TOKEN: 'a-metrics-token-0123456789',
    JANUS_API_SECRET: 'a-janus-secret-0123456789',
  }
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [
      key,
      value.replace(
        /\$\{([A-Z0-9_]+)(?::?[-?]([^}]*))?\}/g,
        (_, name: string, fallback?: string) => (name in sample ? sample[name]! : (fallback ?? '')),
      ),
    ]),
  )
}

describe('Caddyfile', () => {
  const caddyfile = read('Caddyfile')
  const portOf = (service: string) => {
    const image = Object.values(images).find((i) => i.name === service)!
    return environment(compose.services[service]!)[image.portKey]
  }

  it('proxies to services that exist, on the ports they listen on', () => {
    const dynamic = /dynamic a \{\s*name (\S+)\s*port (\d+)/.exec(caddyfile)
    expect(dynamic?.[1]).toBe('sync-server')
    expect(dynamic?.[2]).toBe(portOf('sync-server'))
    const fixed = caddyfile.matchAll(/(?:reverse_proxy|to) \{\$[A-Z_]+:([a-z-]+):(\d+)\}/g)
    for (const [, host, port] of fixed) {
      expect(Object.keys(compose.services)).toContain(host)
      expect(port).toBe(portOf(host!))
    }
  })

  it('routes /sync, /api, /peerjs, /signal, /sfu and /broadcast', () => {
    expect(caddyfile).toMatch(/@sync path \/sync \/sync\/\* \/api \/api\/\*/)
    expect(caddyfile).toMatch(
      /@signal path \/peerjs \/peerjs\/\* \/signal \/signal\/\* \/sfu \/broadcast\/\*/,
    )
    expect(caddyfile).toMatch(
      /handle @signal \{\s*reverse_proxy \{\$SIGNAL_UPSTREAM:signal-server:/,
    )
  })

  it('adapts in caddy to the compose upstreams, and to a list for the failover tests', () => {
    const adapt = (env: Record<string, string>) =>
      JSON.stringify(
        JSON.parse(
          execFileSync('caddy', ['adapt', '--config', join(root, 'Caddyfile')], {
            env: { PATH: process.env.PATH ?? '', ACME_EMAIL: 'ops@example.org', ...env },
            stdio: ['ignore', 'pipe', 'ignore'],
          }).toString(),
        ),
      )
    const compose = adapt({ PODIUM_DOMAIN: 'podium.example.org' })
    expect(compose).toContain('"dynamic_upstreams":{"name":"sync-server","port":"8080"')
    expect(compose).toContain('"dial":"signal-server:9000"')
    expect(compose).toContain('"listen":"localhost:2019"')
    const list = adapt({
      ...caddyEnv(18080, ['127.0.0.1:1001', '127.0.0.1:1002'], '127.0.0.1:1003'),
    })
    expect(list).toContain('"upstreams":[{"dial":"127.0.0.1:1001"},{"dial":"127.0.0.1:1002"}]')
    expect(list).toContain('"dial":"127.0.0.1:1003"')
    expect(list).toContain('"admin":{"disabled":true}')
    expect(list).not.toContain('dynamic_upstreams')
  })

  it('uses only variables the caddy service is given', () => {
    const given = Object.keys(environment(compose.services.caddy!))
    for (const [, name] of caddyfile.matchAll(/\{\$([A-Z0-9_]+)\}/g)) expect(given).toContain(name)
  })
})

describe('Dockerfiles', () => {
  const dockerfiles = ['Dockerfile', 'signal-server/Dockerfile']

  for (const file of dockerfiles) {
    const text = read(file)

    it(`${file}: copies only files that exist`, () => {
      for (const [, args] of text.matchAll(/^COPY (?!--from)(.+)$/gm)) {
        const sources = args!
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1)
        for (const source of sources) {
          if (source === '.') continue
          expect(existsSync(join(root, source)), `${file} copies ${source}, which is missing`).toBe(
            true,
          )
        }
      }
    })

    it(`${file}: runs a server entry that exists, as a non-root user, with a health check`, () => {
      const cmd = /^CMD (\[.+\])$/m.exec(text)
      const entry = (JSON.parse(cmd![1]!) as string[]).find((arg) => arg.endsWith('.ts'))!
      expect(existsSync(join(root, entry)), `${entry} is missing`).toBe(true)
      expect(text).toMatch(/^USER node$/m)
      expect(text).toMatch(/^HEALTHCHECK .+\n?.*\/healthz/m)
      expect(text).toMatch(/^FROM node:22-/m)
    })
  }
})

describe('CI', () => {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts

  it('.ci/run ends with exactly the test command the README gives', () => {
    const run = read('.ci/run').trimEnd().split('\n')
    expect(run.at(-1)).toBe('npm test')
    expect(statSync(join(root, '.ci/run')).mode & 0o111).not.toBe(0)
    expect(read('README.md')).toContain('npm test')
    expect(scripts.test).toBeTruthy()
  })

  it('workflows call only npm scripts that exist', () => {
    for (const file of ['.github/workflows/ci.yml', '.github/workflows/deploy.yml']) {
      const text = read(file)
      parse(text)
      for (const [, script] of text.matchAll(/npm run ([\w:-]+)/g)) {
        expect(Object.keys(scripts), `${file} runs npm run ${script}`).toContain(script)
      }
      for (const [, path] of text.matchAll(/\b(?:sh|bash) ((?:deploy|scripts|\.ci)\/[\w./-]+)/g)) {
        expect(existsSync(join(root, path!)), `${file} runs ${path}`).toBe(true)
      }
    }
  })

  it('tests on Node 20, 22 and 24 with Postgres and Redis', () => {
    const ci = parse(read('.github/workflows/ci.yml')) as {
      jobs: Record<
        string,
        { strategy?: { matrix: { node: number[] } }; services?: Record<string, unknown> }
      >
    }
    expect(Object.keys(ci.jobs)).toEqual(
      expect.arrayContaining(['typecheck', 'lint', 'audit', 'test', 'performance']),
    )
    expect(ci.jobs.test!.strategy!.matrix.node).toEqual([20, 22, 24])
    expect(Object.keys(ci.jobs.test!.services!).sort()).toEqual(['postgres', 'redis'])
  })

  it('deploys to production only through an approved environment, after staging', () => {
    const deploy = parse(read('.github/workflows/deploy.yml')) as {
      jobs: Record<string, { needs?: string[] | string; environment?: { name: string } }>
    }
    expect(deploy.jobs.staging!.environment!.name).toBe('staging')
    expect(deploy.jobs.production!.environment!.name).toBe('production')
    expect([deploy.jobs.production!.needs].flat()).toContain('staging')
  })
})

describe('configuration documents', () => {
  it('README.md and .env.example describe every variable Podium reads', () => {
    const readme = read('README.md')
    const example = envExampleKeys()
    for (const key of appKeys) {
      expect(readme, `README.md does not describe ${key}`).toMatch(
        new RegExp(`^\\| \`${key}\` +\\|`, 'm'),
      )
      expect(example, `.env.example does not list ${key}`).toContain(key)
    }
  })

  it('README.md explains every runtime dependency', () => {
    const readme = read('README.md')
    const section = readme.slice(readme.indexOf('## Runtime dependencies'))
    const explained = [...section.matchAll(/^\| `([^`]+)` +\|/gm)].map((m) => m[1])
    const manifests = ['package.json', 'shared', 'sync-server', 'signal-server', 'client'].map(
      (p) => (p.endsWith('.json') ? p : `${p}/package.json`),
    )
    for (const manifest of manifests) {
      const { dependencies = {} } = JSON.parse(read(manifest)) as {
        dependencies?: Record<string, string>
      }
      for (const name of Object.keys(dependencies)) {
        expect(explained, `${manifest} depends on ${name}; say why in README.md`).toContain(name)
      }
    }
  })
})
