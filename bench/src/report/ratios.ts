import type { StepResult } from '../harness/context.ts'
import { TargetKind } from '../targets/index.ts'

/** Podium's figure over a baseline's for the same scenario, parameters and metric. */
export interface Ratio {
  key: string
  metric: string
  params: string
  baseline: TargetKind
  podium: number
  baselineValue: number
  ratio: number
}

/** The metrics worth a ratio, per scenario (all lower-is-better). */
export const HEADLINE_METRICS: Record<string, string[]> = {
  fanout: ['p50', 'p99', 'serverCpuUsPerDelivery'],
  votes: ['tallyP50', 'tallyP99', 'serverCpuUsPerVote'],
  joins: ['p50', 'p99', 'serverCpuMsPerJoin'],
  'late-join': ['syncP50', 'syncP99'],
  memory: ['kbPerIdleAttendee', 'heapKbPerIdleAttendee'],
  api: [],
}

/**
 * The ratios `bench:quick` holds to the committed ones: the server's cost per unit of
 * work (CPU time per delivery, per vote, per join; heap per idle attendee). Latency
 * ratios are printed next to them but not gated: on a shared runner their tails move
 * with whatever else runs, while CPU time and heap per unit of work barely do.
 */
export const GATED_METRICS = new Set([
  'serverCpuUsPerDelivery',
  'serverCpuUsPerVote',
  'serverCpuMsPerJoin',
  'heapKbPerIdleAttendee',
])

export const paramsKey = (params: StepResult['params']) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')

export function ratios(scenario: string, steps: StepResult[]): Ratio[] {
  const out: Ratio[] = []
  const metrics = HEADLINE_METRICS[scenario] ?? []
  for (const podium of steps.filter((s) => s.target === TargetKind.podium && !s.stopped)) {
    const params = paramsKey(podium.params)
    for (const baseline of steps) {
      if (baseline.target === TargetKind.podium || baseline.stopped) continue
      if (paramsKey(baseline.params) !== params) continue
      for (const metric of metrics) {
        const a = podium.metrics[metric]
        const b = baseline.metrics[metric]
        if (typeof a !== 'number' || typeof b !== 'number' || b <= 0) continue
        out.push({
          key: `${scenario} ${params} ${metric} vs ${baseline.target}`,
          metric,
          params,
          baseline: baseline.target,
          podium: a,
          baselineValue: b,
          ratio: Math.round((a / b) * 1000) / 1000,
        })
      }
    }
  }
  return out
}
