import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { StepResult } from '../harness/context.ts'
import type { Plan } from '../plan.ts'
import type { Machine } from './machine.ts'
import { type Ratio, ratios } from './ratios.ts'

export interface ScenarioResult {
  scenario: string
  plan: Plan['name']
  command: string
  startedAt: string
  durationSec: number
  machine: Machine
  steps: StepResult[]
  ratios: Ratio[]
}

export function scenarioResult(
  scenario: string,
  plan: Plan,
  command: string,
  machine: Machine,
  startedAt: Date,
  steps: StepResult[],
): ScenarioResult {
  return {
    scenario,
    plan: plan.name,
    command,
    startedAt: startedAt.toISOString(),
    durationSec: Math.round((Date.now() - startedAt.getTime()) / 1000),
    machine,
    steps,
    ratios: ratios(scenario, steps),
  }
}

/** Writes `bench/results/<date>-<scenario>.json` (quick runs add `-quick`). */
export function writeResult(root: string, result: ScenarioResult): string {
  const dir = join(root, 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  const date = result.startedAt.slice(0, 10)
  const suffix = result.plan === 'quick' ? '-quick' : ''
  const file = join(dir, `${date}-${result.scenario}${suffix}.json`)
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
  return file
}
