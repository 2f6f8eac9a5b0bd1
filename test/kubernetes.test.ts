import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Deployment } from 'kubernetes-models/apps/v1'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2'
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { PersistentVolumeClaim, Service } from 'kubernetes-models/v1'
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
  'v1 PersistentVolumeClaim': PersistentVolumeClaim,
} as const

type EnvVar = { name: string; value?: string; valueFrom?: unknown }
type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; spec: any }
const manifests: Manifest[] = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS()))
const find = (kind: string, name: string) =>
  manifests.find((m) => m.kind === kind && m.metadata.name === name)

describe('deploy/kubernetes', () => {
  it('validates every manifest against its Kubernetes schema', () => {
    expect(manifests.length).toBe(10)
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

  it('routes /peerjs, /signal, /sfu and /broadcast to signal-server and the rest to sync-server', () => {
    const paths = find('Ingress', 'podium')!.spec.rules[0].http.paths.map((p: any) => [
      p.path,
      p.backend.service.name,
    ])
    expect(paths).toEqual([
      ['/peerjs', 'signal-server'],
      ['/signal', 'signal-server'],
      ['/sfu', 'signal-server'],
      ['/broadcast', 'signal-server'],
      ['/', 'sync-server'],
    ])
    expect(find('Service', 'signal-server')).toBeDefined()
    // The same split as the Caddyfile's signal-server matcher.
    const caddy = readFileSync(resolve(import.meta.dirname, '../Caddyfile'), 'utf8')
    expect(caddy).toMatch(
      /@signal path \/peerjs \/peerjs\/\* \/signal \/signal\/\* \/sfu \/broadcast\/\*/,
    )
  })

  it('runs Janus on the host network, reached only through the signal-server, recordings shared', () => {
    const janus = find('Deployment', 'janus')!
    const pod = janus.spec.template.spec
    expect(janus.spec.replicas).toBe(1)
    expect(pod.hostNetwork).toBe(true)
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet')
    const env = Object.fromEntries(
      (pod.containers[0].env as EnvVar[]).map((e) => [e.name, e.value ?? e.valueFrom]),
    )
    expect(env.JANUS_API_SECRET).toEqual({
      secretKeyRef: { name: 'podium', key: 'JANUS_API_SECRET' },
    })
    expect(env.JANUS_API_HOST).toEqual({ fieldRef: { fieldPath: 'status.hostIP' } })
    expect(find('Service', 'janus')!.spec.ports[0].port).toBe(8188)
    const envOf = (name: string) =>
      Object.fromEntries(
        (find('Deployment', name)!.spec.template.spec.containers[0].env as EnvVar[]).map((e) => [
          e.name,
          e.value ?? e.valueFrom,
        ]),
      )
    expect(envOf('signal-server')).toMatchObject({
      JANUS_URL: 'ws://janus:8188',
      SYNC_SERVER_URL: 'http://sync-server:8080',
      BROADCAST_RTP_ADDRESS: { fieldRef: { fieldPath: 'status.podIP' } },
    })
    expect(envOf('sync-server')).toMatchObject({
      JANUS_URL: 'ws://janus:8188',
      SFU_RECORDER_URL: 'http://signal-server:9000',
    })
    // Janus writes recordings where every sync-server reads them: one ReadWriteMany claim.
    const claim = find('PersistentVolumeClaim', 'podium-recordings')!
    expect(claim.spec.accessModes).toEqual(['ReadWriteMany'])
    for (const name of ['janus', 'sync-server']) {
      const spec = find('Deployment', name)!.spec.template.spec
      const volume = (
        spec.volumes as { name: string; persistentVolumeClaim?: { claimName: string } }[]
      ).find((v) => v.persistentVolumeClaim)
      expect(volume?.persistentVolumeClaim?.claimName, name).toBe('podium-recordings')
      expect(spec.containers[0].volumeMounts).toContainEqual({
        name: volume?.name,
        mountPath: '/data/recordings',
      })
    }
  })
})
