import type { Plan } from '../plan.ts'
import type { RunningTarget, TargetKind } from '../targets/index.ts'
import type { Context, StepResult } from './context.ts'
import { loadAverage } from './numbers.ts'
import { type Tracker, withTarget } from './tracker.ts'

/**
 * The loop every scenario shares: each point (a size or a rate) on each target, the
 * target started (or taken from the shared ones), the step measured, the server's log
 * and the load kept with it, and a failed step reported as stopped, with its reason,
 * instead of ending the run. A scenario says only what it measures.
 */
export interface Scenario {
  /** The name `--only` takes and the result files carry. */
  name: string
  run(ctx: Context): Promise<StepResult[]>
}

/** What a step measured; the loop adds the target, the params, the server's log and the load. */
export interface Measured {
  metrics: StepResult['metrics']
  server?: StepResult['server']
  generators?: StepResult['generators']
  profile?: StepResult['profile']
  heapPerAttendee?: StepResult['heapPerAttendee']
}

/** One point on one running target. */
export interface Step<P> {
  ctx: Context
  target: RunningTarget
  track: Tracker
  point: P
}

interface ScenarioBase<P> {
  name: string
  /** The sizes or rates measured, in order; every one on every target. */
  points(plan: Plan): P[]
  /** The targets, in order (the plan's when not given). */
  targets?(plan: Plan): TargetKind[]
  params(point: P, plan: Plan): StepResult['params']
  /** The log line before a step. */
  announce(kind: TargetKind, point: P, plan: Plan): string
  /** The log line after a step that completed. */
  summary(result: StepResult): string
}

/** A target (fresh in the full plan) for every step; points outer, targets inner. */
export interface StepScenario<P> extends ScenarioBase<P> {
  measure(step: Step<P>): Promise<Measured>
  /**
   * Why a result rules out the later points on its target (a size that failed: the next
   * one would only be worse), or null. Those points are reported as not run.
   */
  ruleOut?(result: StepResult, point: P): string | null
}

/**
 * One target for all points, prepared once (the API: a session with someone in it);
 * targets outer, points inner. A failure ends the target's remaining points and is
 * reported as one stopped step with `stoppedParams`.
 */
export interface PreparedScenario<P, S> extends ScenarioBase<P> {
  prepare(ctx: Context, target: RunningTarget): Promise<Prepared<S>>
  measure(step: Step<P> & { prepared: S }): Promise<Measured>
  stoppedParams: StepResult['params']
}

export interface Prepared<S> {
  value: S
  release(): void
}

export function defineScenario<P, S>(spec: PreparedScenario<P, S>): Scenario
export function defineScenario<P>(spec: StepScenario<P>): Scenario
export function defineScenario<P, S>(spec: StepScenario<P> | PreparedScenario<P, S>): Scenario {
  return {
    name: spec.name,
    run: (ctx) => ('prepare' in spec ? runPrepared(ctx, spec) : runSteps(ctx, spec)),
  }
}

async function runSteps<P>(ctx: Context, spec: StepScenario<P>): Promise<StepResult[]> {
  const results: StepResult[] = []
  const ruledOut = new Map<TargetKind, string>()
  for (const point of spec.points(ctx.plan)) {
    for (const kind of targetsOf(ctx.plan, spec)) {
      const params = spec.params(point, ctx.plan)
      const earlier = ruledOut.get(kind)
      if (earlier) {
        results.push(stoppedStep(kind, params, `not run: ${earlier}`))
        continue
      }
      ctx.log(spec.announce(kind, point, ctx.plan))
      const result = await withTarget(ctx, kind, async (target, track) =>
        completed(kind, params, track, await spec.measure({ ctx, target, track, point })),
      ).catch((error: unknown) => stoppedStep(kind, params, messageOf(error)))
      results.push(result)
      const out = spec.ruleOut?.(result, point)
      if (out) ruledOut.set(kind, out)
      logOutcome(ctx, spec, result)
    }
  }
  return results
}

async function runPrepared<P, S>(
  ctx: Context,
  spec: PreparedScenario<P, S>,
): Promise<StepResult[]> {
  const results: StepResult[] = []
  const points = spec.points(ctx.plan)
  for (const kind of targetsOf(ctx.plan, spec)) {
    await withTarget(ctx, kind, async (target, track) => {
      const prepared = await spec.prepare(ctx, target)
      try {
        for (const point of points) {
          ctx.log(spec.announce(kind, point, ctx.plan))
          const step = { ctx, target, track, point, prepared: prepared.value }
          const params = spec.params(point, ctx.plan)
          const result = completed(kind, params, track, await spec.measure(step))
          results.push(result)
          logOutcome(ctx, spec, result)
        }
      } finally {
        prepared.release()
      }
    }).catch((error: unknown) => {
      results.push(stoppedStep(kind, spec.stoppedParams, messageOf(error)))
    })
  }
  return results
}

function targetsOf<P>(plan: Plan, spec: ScenarioBase<P>): TargetKind[] {
  return spec.targets ? spec.targets(plan) : plan.targets
}

function logOutcome<P>(ctx: Context, spec: ScenarioBase<P>, result: StepResult): void {
  ctx.log(`  ${result.stopped ? `stopped: ${result.stopped}` : spec.summary(result)}`)
}

function completed(
  kind: TargetKind,
  params: StepResult['params'],
  track: Tracker,
  measured: Measured,
): StepResult {
  return {
    target: kind,
    params,
    metrics: measured.metrics,
    server: measured.server ?? null,
    generators: measured.generators ?? null,
    stopped: null,
    serverLog: track.serverLog(),
    loadAverage: loadAverage(),
    ...(measured.profile ? { profile: measured.profile } : {}),
    ...(measured.heapPerAttendee ? { heapPerAttendee: measured.heapPerAttendee } : {}),
  }
}

/** A step that did not run or stopped, with the reason. */
export function stoppedStep(
  target: TargetKind,
  params: StepResult['params'],
  reason: string,
): StepResult {
  return {
    target,
    params,
    metrics: {},
    server: null,
    generators: null,
    serverLog: [],
    loadAverage: loadAverage(),
    stopped: reason,
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))
