import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { buildClient, clientIsCurrent } from '../scripts/client-build.mjs'
import type { Context } from './src/harness/context.ts'
import type { Scenario } from './src/harness/scenario.ts'
import { FULL, type Plan, QUICK } from './src/plan.ts'
import {
  bestOf,
  compare,
  correctness,
  gatedRatios,
  medianOf,
  scenarioOf,
  TOLERANCE,
  writeReference,
} from './src/report/compare.ts'
import { describeMachine } from './src/report/machine.ts'
import { type ScenarioResult, scenarioResult, writeResult } from './src/report/results.ts'
import { report } from './src/report/table.ts'
import { checkTargets } from './src/report/targets.ts'
import { api } from './src/scenarios/api.ts'
import { fanout } from './src/scenarios/fanout.ts'
import { joins } from './src/scenarios/joins.ts'
import { lateJoin } from './src/scenarios/late-join.ts'
import { memory } from './src/scenarios/memory.ts'
import { polls } from './src/scenarios/polls.ts'
import { reactions } from './src/scenarios/reactions.ts'
import { votes } from './src/scenarios/votes.ts'
import { type RunningTarget, startTarget, TargetKind } from './src/targets/index.ts'

/**
 * `npm run bench` (full) and `npm run bench:quick` (the CI regression step): starts
 * each server under test and the baselines as their own processes, drives them with
 * load generator processes, writes bench/results/<date>-<scenario>.json, prints a
 * markdown report, and with --quick compares the gated ratios with bench/baseline.json.
 */
const SCENARIOS: Record<string, Scenario> = Object.fromEntries(
  [fanout, votes, joins, lateJoin, memory, api, reactions, polls].map((scenario) => [
    scenario.name,
    scenario,
  ]),
)

const QUICK_ORDER = ['memory', 'fanout', 'votes', 'joins', 'late-join', 'api']

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    targets: { type: 'string' },
    sizes: { type: 'string' },
    profile: { type: 'boolean', default: false },
    chromium: { type: 'boolean' },
    'update-baseline': { type: 'boolean', default: false },
    pin: { type: 'boolean', default: false },
    nice: { type: 'string' },
    'connect-rate': { type: 'string' },
  },
})

const root = resolve(import.meta.dirname, '..')
const base = values.quick ? QUICK : FULL
const knownTargets = Object.values(TargetKind) as string[]
const targets = values.targets ? values.targets.split(',') : base.targets
for (const t of targets) {
  if (!knownTargets.includes(t))
    throw new Error(`unknown target ${t}; known: ${knownTargets.join(', ')}`)
}
// --connect-rate: how fast the reaction and poll storms connect their audience; on a busy
// shared machine a slower ramp keeps the server from timing out handshakes.
const connectRate =
  values['connect-rate'] === undefined ? undefined : Number(values['connect-rate'])
if (connectRate !== undefined && !(connectRate > 0))
  throw new Error(`--connect-rate needs a positive number, got ${values['connect-rate']}`)
const plan: Plan = {
  ...base,
  targets: targets as TargetKind[],
  fanout: values.sizes
    ? { ...base.fanout, sizes: values.sizes.split(',').map(Number) }
    : base.fanout,
  lateJoin: { ...base.lateJoin, chromium: values.chromium ?? base.lateJoin.chromium },
  reactions: {
    ...base.reactions,
    ...(values.sizes ? { attendees: values.sizes.split(',').map(Number) } : {}),
    ...(connectRate ? { connectRate } : {}),
  },
  polls: {
    ...base.polls,
    ...(values.sizes ? { attendees: values.sizes.split(',').map(Number) } : {}),
    ...(connectRate ? { connectRate } : {}),
  },
}
// Quick: memory first, while the shared servers are still fresh.
const chosen = values.only
  ? values.only.split(',')
  : plan.name === 'quick'
    ? QUICK_ORDER
    : Object.keys(SCENARIOS)
for (const name of chosen) {
  if (!SCENARIOS[name])
    throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`)
}

// --pin: the server under test gets core 0, this process and the generators the rest.
// Off by default: on a machine that also runs other work, a pinned process waits for its
// core while the other one idles, which made every server look worse than unpinned.
const cores = cpus().length
const cpuPlan: Context['cpus'] =
  cores >= 2 && values.pin
    ? { server: '0', generators: cores === 2 ? '1' : `1-${cores - 1}` }
    : { server: undefined, generators: undefined }
let placement = values.pin
  ? 'one core: server and generators share it'
  : 'not pinned: server and generators share both cores'
if (cpuPlan.generators) {
  try {
    execFileSync('taskset', ['-cp', cpuPlan.generators, String(process.pid)], { stdio: 'ignore' })
    placement = `server pinned to CPU ${cpuPlan.server}; coordinator and load generators on CPU ${cpuPlan.generators}`
  } catch {
    cpuPlan.server = undefined
    cpuPlan.generators = undefined
    placement = 'not pinned (no taskset)'
  }
}

// --nice: on a machine shared with other work, run the benchmark at this niceness
// (negative values need root) so the others' load distorts it less. Every process the
// run starts inherits it from this one.
const nice = values.nice === undefined ? undefined : Number(values.nice)
if (nice !== undefined) {
  if (!Number.isInteger(nice)) throw new Error(`--nice needs a whole number, got ${values.nice}`)
  execFileSync('renice', ['-n', String(nice), '-p', String(process.pid)], { stdio: 'ignore' })
  placement += `; niceness ${nice}`
}

// The first-render step opens the built client in Chromium. Built now, before any server
// starts: a server serves the client files that existed when it started, so a client
// built later (stale or missing before) would not be found.
if (chosen.includes('late-join') && plan.lateJoin.chromium && !clientIsCurrent()) {
  await buildClient({ quiet: true })
}

const began = Date.now()
const ctx: Context = {
  plan,
  root,
  profile: values.profile ?? false,
  cpus: cpuPlan,
  log: (message) =>
    process.stdout.write(
      `[${String(Math.round((Date.now() - began) / 1000)).padStart(4)} s] ${message}\n`,
    ),
}

const machine = describeMachine(placement)
const args = process.argv.slice(2).filter((a) => a !== '--quick')
const command = `npm run ${plan.name === 'quick' ? 'bench:quick' : 'bench'}${args.length ? ` -- ${args.join(' ')}` : ''}`
// The quick plan starts each server once and runs every scenario on it; the full plan
// starts a fresh server for every step, so no step inherits another's memory or load.
if (plan.name === 'quick') {
  ctx.shared = new Map<TargetKind, RunningTarget>()
  for (const kind of plan.targets) {
    ctx.shared.set(kind, await startTarget(kind, { root, cpus: cpuPlan.server }))
  }
}

async function runScenarios(names: string[]): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = []
  for (const name of names) {
    const startedAt = new Date()
    const steps = await SCENARIOS[name]!.run(ctx)
    const result = scenarioResult(name, plan, command, machine, startedAt, steps)
    out.push(result)
    ctx.log(`wrote bench/results/${writeResult(root, result).split('/bench/results/')[1]}`)
  }
  return out
}

const results = await runScenarios(chosen)
const markdown = report(results, checkTargets(results), command)
const summary = join(
  root,
  'bench',
  'results',
  `${new Date(began).toISOString().slice(0, 10)}-summary${plan.name === 'quick' ? '-quick' : ''}.md`,
)
writeFileSync(summary, markdown)
process.stdout.write(`\n${markdown}\nTook ${Math.round((Date.now() - began) / 1000)} s.\n`)

const referenceFile = join(root, 'bench', 'baseline.json')
let exitCode = 0
if (values['update-baseline']) {
  // The reference is the median of three runs, so it sits in the middle of the noise.
  const runs = [gatedRatios(results)]
  for (let i = 1; i < 3; i++) runs.push(gatedRatios(await runScenarios(chosen)))
  writeReference(referenceFile, medianOf(runs), runs.length, machine, command)
  process.stdout.write(`Wrote bench/baseline.json (median of ${runs.length} runs).\n`)
} else if (plan.name === 'quick') {
  let ratios = gatedRatios(results)
  let comparison = compare(referenceFile, ratios)
  if (comparison.regressions.length > 0) {
    // A regression must show twice: the scenarios concerned run once more and each
    // ratio keeps the better of its two values.
    const again = [...new Set(comparison.regressions.map(scenarioOf))]
    ctx.log(`ratios above tolerance in ${again.join(', ')}; measuring those again`)
    ratios = bestOf(ratios, gatedRatios(await runScenarios(again)))
    comparison = compare(referenceFile, ratios)
  }
  const problems = [...correctness(results), ...comparison.problems]
  process.stdout.write(
    `\nCompared with bench/baseline.json (a gated ratio may rise by ${TOLERANCE * 100} %):\n`,
  )
  for (const line of comparison.lines) process.stdout.write(`  ${line}\n`)
  for (const problem of problems) process.stdout.write(`  PROBLEM    ${problem}\n`)
  if (comparison.regressions.length > 0 || problems.length > 0) {
    process.stdout.write(
      `\n${comparison.regressions.length} regression(s), ${problems.length} problem(s).\n`,
    )
    exitCode = 1
  } else process.stdout.write('\nNo regression.\n')
}
for (const target of ctx.shared?.values() ?? []) await target.stop()
process.exit(exitCode)
