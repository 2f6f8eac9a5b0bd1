import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Context, StepStopped } from '../src/harness/context.ts'
import { defineScenario } from '../src/harness/scenario.ts'
import { QUICK } from '../src/plan.ts'
import { type RunningTarget, startTarget, TargetKind } from '../src/targets/index.ts'

// The loop every scenario runs, against the two relays as real processes (shared, as
// the quick plan shares them, so no step starts a server of its own).
const root = resolve(import.meta.dirname, '../..')
const kinds = [TargetKind.hocuspocus, TargetKind.yWebsocket]
const shared = new Map<TargetKind, RunningTarget>()
let lines: string[] = []

beforeAll(async () => {
  for (const kind of kinds) shared.set(kind, await startTarget(kind, { root, cpus: undefined }))
}, 60_000)
afterAll(async () => {
  for (const target of shared.values()) await target.stop()
})

function context(): Context {
  lines = []
  return {
    plan: { ...QUICK, targets: kinds },
    root,
    profile: false,
    cpus: { server: undefined, generators: undefined },
    log: (message) => lines.push(message),
    shared,
  }
}

describe('defineScenario', () => {
  it('measures every point on every target, points outer, and keeps what each step measured', async () => {
    const scenario = defineScenario({
      name: 'sizes',
      points: () => [10, 20],
      params: (size) => ({ size }),
      announce: (kind, size) => `${kind} at ${size}`,
      measure: async ({ target, point }) => ({ metrics: { size: point, pid: target.pid } }),
      summary: (result) => `measured ${result.metrics.size}`,
    })
    const results = await scenario.run(context())
    expect(results.map((r) => [r.target, r.params.size, r.metrics.pid, r.stopped])).toEqual([
      ['hocuspocus', 10, shared.get('hocuspocus')!.pid, null],
      ['y-websocket', 10, shared.get('y-websocket')!.pid, null],
      ['hocuspocus', 20, shared.get('hocuspocus')!.pid, null],
      ['y-websocket', 20, shared.get('y-websocket')!.pid, null],
    ])
    expect(results.every((r) => r.loadAverage.length === 3 && r.server === null)).toBe(true)
    expect(lines).toEqual([
      'hocuspocus at 10',
      '  measured 10',
      'y-websocket at 10',
      '  measured 10',
      'hocuspocus at 20',
      '  measured 20',
      'y-websocket at 20',
      '  measured 20',
    ])
  })

  it('reports a failed step as stopped, and the points it rules out as not run', async () => {
    const scenario = defineScenario({
      name: 'growing',
      points: () => [1, 2, 3],
      params: (size) => ({ size }),
      announce: (kind, size) => `${kind} at ${size}`,
      measure: async ({ target, point }) => {
        if (target.kind === TargetKind.yWebsocket && point === 2) throw new StepStopped('too slow')
        return { metrics: { size: point } }
      },
      summary: () => 'ok',
      ruleOut: (result, size) => (result.stopped ? `${size} already failed` : null),
    })
    const results = await scenario.run(context())
    expect(results.map((r) => [r.target, r.params.size, r.stopped])).toEqual([
      ['hocuspocus', 1, null],
      ['y-websocket', 1, null],
      ['hocuspocus', 2, null],
      ['y-websocket', 2, 'too slow'],
      ['hocuspocus', 3, null],
      ['y-websocket', 3, 'not run: 2 already failed'],
    ])
    expect(lines).toContain('  stopped: too slow')
    expect(lines).not.toContain('y-websocket at 3')
  })

  it('prepares a target once for all its points, releases it, and ends it on a failure', async () => {
    const prepared: string[] = []
    const released: string[] = []
    const scenario = defineScenario({
      name: 'held',
      points: () => ['a', 'b', 'c'],
      params: (point: string) => ({ point }),
      announce: (kind, point) => `${kind} ${point}`,
      prepare: async (_ctx, target) => {
        prepared.push(target.kind)
        return { value: `room on ${target.kind}`, release: () => released.push(target.kind) }
      },
      measure: async ({ target, point, prepared: room }) => {
        if (target.kind === TargetKind.yWebsocket && point === 'b') throw new Error('refused')
        return { metrics: { room } }
      },
      summary: (result) => String(result.metrics.room),
      stoppedParams: { point: 'all' },
    })
    const results = await scenario.run(context())
    expect(prepared).toEqual(['hocuspocus', 'y-websocket'])
    expect(released).toEqual(['hocuspocus', 'y-websocket'])
    expect(results.map((r) => [r.target, r.params.point, r.metrics.room ?? r.stopped])).toEqual([
      ['hocuspocus', 'a', 'room on hocuspocus'],
      ['hocuspocus', 'b', 'room on hocuspocus'],
      ['hocuspocus', 'c', 'room on hocuspocus'],
      ['y-websocket', 'a', 'room on y-websocket'],
      ['y-websocket', 'all', 'refused'],
    ])
  })
})
