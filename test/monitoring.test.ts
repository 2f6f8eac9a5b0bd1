import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { request, startPodiumOn, type TestPodium } from '../test-support/podium.ts'

// deploy/prometheus and deploy/grafana, held to the metrics a real sync-server serves:
// the rules are checked and unit-tested with promtool, and every metric the rules, the
// dashboard and docs/operations.md name must be in a real /metrics.

const root = resolve(import.meta.dirname, '..')
const read = (path: string) => readFileSync(join(root, path), 'utf8')
const promtool = (...args: string[]) =>
  execFileSync('promtool', args, { cwd: root, encoding: 'utf8', stdio: 'pipe' })

interface Rule {
  alert: string
  expr: string
}
const rules = (
  parse(read('deploy/prometheus/alerts.yml')) as { groups: Array<{ rules: Rule[] }> }
).groups.flatMap((g) => g.rules)
const dashboard = JSON.parse(read('deploy/grafana/podium-dashboard.json')) as {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>
}

/** Metric names in a PromQL expression (functions, labels and keywords left out). */
function metricsIn(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '').replace(/"[^"]*"/g, '')
  const words = withoutLabels.match(/[a-zA-Z_:][\w:]*/g) ?? []
  return words.filter((w) => w.startsWith('podium_'))
}
/** A histogram's series name to the metric's own name. */
const base = (name: string) => name.replace(/_(bucket|count|sum)$/, '')

let server: TestPodium
let declared: Set<string>

beforeAll(async () => {
  // Postgres and Redis, so the pool and Redis series are there too.
  server = await startPodiumOn('postgres', {
    REDIS_URL: process.env.PODIUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  })
  await request(`${server.url}/api/sessions`, { body: { title: 'Scraped' } })
  await request(`${server.url}/api/client-errors`, { body: { kind: 'error', message: 'x' } })
  const { body } = await request<string>(`${server.url}/metrics`)
  declared = new Set(
    body
      .split('\n')
      .filter((l) => l.startsWith('# TYPE '))
      .map((l) => l.split(' ')[2] as string),
  )
})
afterAll(async () => {
  await server?.close()
})

describe('deploy/prometheus', () => {
  it('passes promtool check rules and the rules’ unit tests', () => {
    expect(promtool('check', 'rules', 'deploy/prometheus/alerts.yml')).toContain(
      `SUCCESS: ${rules.length} rules found`,
    )
    expect(promtool('test', 'rules', 'deploy/prometheus/alerts.test.yml')).toContain('SUCCESS')
  })

  it('has a configuration promtool accepts, with the rules it names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-prometheus-'))
    try {
      writeFileSync(join(dir, 'metrics-token'), 'token')
      const config = read('deploy/prometheus/prometheus.yml').replaceAll(
        '/tmp/metrics-token',
        join(dir, 'metrics-token'),
      )
      writeFileSync(join(dir, 'prometheus.yml'), config)
      writeFileSync(join(dir, 'alerts.yml'), read('deploy/prometheus/alerts.yml'))
      expect(promtool('check', 'config', join(dir, 'prometheus.yml'))).toContain('SUCCESS')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('alerts only on metrics a sync-server serves, and each has a runbook', () => {
    const runbooks = read('docs/operations.md')
    for (const rule of rules) {
      for (const name of metricsIn(rule.expr))
        expect(declared, `${rule.alert}: ${name}`).toContain(base(name))
      expect(runbooks, `runbook for ${rule.alert}`).toContain(`### ${rule.alert}`)
    }
  })
})

describe('deploy/grafana', () => {
  it('queries only metrics a sync-server serves', () => {
    const queried = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricsIn(t.expr)))
    expect(queried.length).toBeGreaterThan(15)
    for (const name of queried) expect(declared, name).toContain(base(name))
  })

  it('docs/operations.md names only metrics a sync-server serves', () => {
    const section = read('docs/operations.md').split('## Watch it')[1]?.split('\n## ')[0] ?? ''
    const named = [...section.matchAll(/`(podium_[a-z_0-9]+)`/g)].map((m) => m[1] as string)
    const own = named.filter((n) => !n.startsWith('podium_signal_'))
    expect(own.length).toBeGreaterThan(15)
    for (const name of own) expect(declared, name).toContain(base(name))
  })
})

describe('the monitoring profile in docker-compose.yml', () => {
  interface Service {
    profiles?: string[]
    volumes?: string[]
  }
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, Service>
    volumes: Record<string, unknown>
  }

  it('starts Prometheus and Grafana only with --profile monitoring, with files that exist', () => {
    for (const name of ['prometheus', 'grafana']) {
      const service = compose.services[name]
      expect(service?.profiles).toEqual(['monitoring'])
      for (const volume of service?.volumes ?? []) {
        const [source] = volume.split(':') as [string]
        if (source.startsWith('./')) expect(() => read(source), volume).not.toThrow()
        else expect(Object.keys(compose.volumes)).toContain(source)
      }
    }
    // Every other service runs without the profile.
    for (const [name, service] of Object.entries(compose.services))
      if (!['prometheus', 'grafana'].includes(name)) expect(service.profiles, name).toBeUndefined()
  })

  it('wires Prometheus to the sync-servers and Grafana to Prometheus and the dashboard', () => {
    const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as {
      rule_files: string[]
      scrape_configs: Array<{ job_name: string; dns_sd_configs?: Array<{ names: string[] }> }>
    }
    expect(prometheus.rule_files).toEqual(['alerts.yml'])
    expect(compose.services.prometheus?.volumes).toContain(
      './deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro',
    )
    const jobs = Object.fromEntries(prometheus.scrape_configs.map((j) => [j.job_name, j]))
    expect(jobs.podium?.dns_sd_configs?.[0]?.names).toEqual(['sync-server'])
    expect(Object.keys(compose.services)).toContain('sync-server')
    const datasources = parse(read('deploy/grafana/provisioning/datasources.yml')) as {
      datasources: Array<{ uid: string; url: string }>
    }
    expect(datasources.datasources[0]).toMatchObject({
      uid: 'prometheus',
      url: 'http://prometheus:9090',
    })
    const providers = parse(read('deploy/grafana/provisioning/dashboards.yml')) as {
      providers: Array<{ options: { path: string } }>
    }
    const dashboardsAt = providers.providers[0]?.options.path
    expect(
      compose.services.grafana?.volumes?.some((v) =>
        v.startsWith(`./deploy/grafana/podium-dashboard.json:${dashboardsAt}/`),
      ),
    ).toBe(true)
  })
})
