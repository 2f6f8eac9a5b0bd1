import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Deployment } from 'kubernetes-models/apps/v1'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2'
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { Service } from 'kubernetes-models/v1'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'

// deploy/kubernetes against the Kubernetes schemas (no cluster runs here), and what the
// manifests must say for Podium to survive restarts and scaling.

const dir = resolve(import.meta.dirname, '../deploy/kubernetes')
const models = {
  'apps/v1 Deployment': Deployment,
  'v1 Service': Service,
  'autoscaling/v2 HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1 Ingress': Ingress,
} as const

type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; spec: any }
const manifests: Manifest[] = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS()))
const find = (kind: string, name: string) =>
  manifests.find((m) => m.kind === kind && m.metadata.name === name)

describe('deploy/kubernetes', () => {
  it('validates every manifest against its Kubernetes schema', () => {
    expect(manifests.length).toBe(7)
    for (const manifest of manifests) {
      const Model = models[`${manifest.apiVersion} ${manifest.kind}` as keyof typeof models]
      expect(Model, `${manifest.apiVersion} ${manifest.kind}`).toBeDefined()
      expect(() => new Model(manifest as never).validate(), manifest.metadata.name).not.toThrow()
    }
  })

  it('rejects a manifest the schema forbids (the validation is real)', () => {
    const broken = structuredClone(find('Deployment', 'sync-server'))!
    broken.spec.replicas = 'two'
    expect(() => new Deployment(broken as never).validate()).toThrow()
  })

  it('probes sync-server on /healthz and /readyz, drains before it stops, and scales', () => {
    const deployment = find('Deployment', 'sync-server')!
    const pod = deployment.spec.template.spec
    const container = pod.containers[0]
    expect(container.livenessProbe.httpGet.path).toBe('/healthz')
    expect(container.readinessProbe.httpGet.path).toBe('/readyz')
    expect(container.lifecycle.preStop.exec.command).toEqual(['sleep', '10'])
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(10 + 10)
    const hpa = find('HorizontalPodAutoscaler', 'sync-server')!
    expect(hpa.spec.scaleTargetRef.name).toBe('sync-server')
    expect(hpa.spec.metrics.map((m: any) => m.resource?.name ?? m.pods?.metric.name)).toEqual([
      'cpu',
      'podium_sync_connections',
    ])
    expect(find('PodDisruptionBudget', 'sync-server')!.spec.minAvailable).toBe(1)
    const labels = deployment.spec.template.metadata.labels
    expect(find('Service', 'sync-server')!.spec.selector).toEqual(labels)
  })

  it('routes /peerjs and /signal to signal-server and the rest to sync-server', () => {
    const paths = find('Ingress', 'podium')!.spec.rules[0].http.paths.map((p: any) => [
      p.path,
      p.backend.service.name,
    ])
    expect(paths).toEqual([
      ['/peerjs', 'signal-server'],
      ['/signal', 'signal-server'],
      ['/', 'sync-server'],
    ])
    expect(find('Service', 'signal-server')).toBeDefined()
  })
})
