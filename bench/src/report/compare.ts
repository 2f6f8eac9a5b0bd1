import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { Machine } from './machine.ts'
import { GATED_METRICS } from './ratios.ts'
import type { ScenarioResult } from './results.ts'

/** The committed reference for `bench:quick`: Podium ÷ baseline ratios of the gated metrics. */
export interface Reference {
  createdAt: string
  command: string
  /** How many runs each ratio is the median of. */
  runs: number
  machine: Machine
  ratios: Record<string, number>
}

export interface Comparison {
  regressions: string[]
  problems: string[]
  lines: string[]
}

/** How much worse a gated ratio may get before the step fails. */
export const TOLERANCE = 0.2

export type Ratios = Record<string, number>

export function gatedRatios(results: ScenarioResult[]): Ratios {
  const out: Ratios = {}
  for (const result of results) {
    for (const ratio of result.ratios)
      if (GATED_METRICS.has(ratio.metric)) out[ratio.key] = ratio.ratio
  }
  return out
}

/** The scenario a ratio key belongs to (keys start with it). */
export const scenarioOf = (key: string) => key.split(' ')[0]!

/** Per key, the better (lower) of two runs: a real regression shows in both. */
export function bestOf(a: Ratios, b: Ratios): Ratios {
  const out: Ratios = { ...a }
  for (const [key, value] of Object.entries(b)) out[key] = Math.min(out[key] ?? value, value)
  return out
}

/** Per key, the median over several runs. */
export function medianOf(runs: Ratios[]): Ratios {
  const keys = new Set(runs.flatMap((r) => Object.keys(r)))
  const out: Ratios = {}
  for (const key of keys) {
    const values = runs
      .map((r) => r[key])
      .filter((v): v is number => v !== undefined)
      .sort((x, y) => x - y)
    out[key] = values[Math.floor(values.length / 2)]!
  }
  return out
}

export function writeReference(
  file: string,
  ratios: Ratios,
  runs: number,
  machine: Machine,
  command: string,
): void {
  const reference: Reference = {
    createdAt: new Date().toISOString(),
    command,
    runs,
    machine,
    ratios,
  }
  writeFileSync(file, `${JSON.stringify(reference, null, 2)}\n`)
}

/**
 * Compares this run's gated ratios with the reference: one more than 20 % above the
 * committed value is a regression; one the reference has and this run lacks (a step
 * that stopped) is a problem.
 */
export function compare(file: string, current: Ratios): Comparison {
  if (!existsSync(file)) {
    return { regressions: [], problems: ['no reference: run with --update-baseline'], lines: [] }
  }
  const reference = JSON.parse(readFileSync(file, 'utf8')) as Reference
  const regressions: string[] = []
  const problems: string[] = []
  const lines: string[] = []
  for (const [key, committed] of Object.entries(reference.ratios)) {
    const now = current[key]
    if (now === undefined) {
      problems.push(`${key}: not measured in this run`)
      continue
    }
    const change = (now - committed) / committed
    const verdict = change > TOLERANCE ? 'REGRESSION' : 'ok'
    lines.push(
      `${verdict.padEnd(10)} ${key}: ${committed} → ${now} (${change >= 0 ? '+' : ''}${Math.round(change * 100)} %)`,
    )
    if (change > TOLERANCE) regressions.push(key)
  }
  return { regressions, problems, lines }
}

/** What must hold in every run: no lost or doubled votes, no join errors, every update delivered. */
export function correctness(results: ScenarioResult[]): string[] {
  const problems: string[] = []
  for (const result of results) {
    for (const step of result.steps) {
      const m = step.metrics
      const where = `${result.scenario} ${step.target} ${JSON.stringify(step.params)}`
      if (step.stopped) problems.push(`${where}: stopped (${step.stopped})`)
      if (step.target !== 'podium') continue
      if (m.converged === false) problems.push(`${where}: tallies did not converge`)
      if (typeof m.lost === 'number' && m.lost > 0) problems.push(`${where}: ${m.lost} votes lost`)
      if (typeof m.doubled === 'number' && m.doubled > 0) {
        problems.push(`${where}: ${m.doubled} votes doubled`)
      }
      if (result.scenario === 'joins' && typeof m.errors === 'number' && m.errors > 0) {
        problems.push(`${where}: ${m.errors} join errors`)
      }
      if (typeof m.deliveredPercent === 'number' && m.deliveredPercent < 100) {
        problems.push(`${where}: ${m.deliveredPercent} % of updates delivered`)
      }
    }
  }
  return problems
}
