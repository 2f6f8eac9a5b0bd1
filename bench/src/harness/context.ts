import type { Plan } from '../plan.ts'
import type { HotSpot } from '../proc/inspector.ts'
import type { UsageSummary } from '../proc/sampler.ts'
import type { RunningTarget, TargetKind } from '../targets/index.ts'

/** What every scenario is given: the plan, where the repository is, and how to log. */
export interface Context {
  plan: Plan
  root: string
  /** Take a CPU profile of the server under test during each measured window (Podium only). */
  profile: boolean
  /** CPUs the server under test and the generators are pinned to (undefined: not pinned). */
  cpus: { server: string | undefined; generators: string | undefined }
  log(message: string): void
  /**
   * Servers started once for the whole run (the quick plan), instead of a fresh server
   * per step. withTarget then leaves them running.
   */
  shared?: Map<TargetKind, RunningTarget>
}

export type Metric = number | string | boolean | null

/** One measured configuration (a target at one size or rate). */
export interface StepResult {
  target: TargetKind
  params: Record<string, number | string>
  metrics: Record<string, Metric>
  server: UsageSummary | null
  /** Generators' CPU (% of one core, summed) and worst event-loop delay. */
  generators: { cpuPercent: number; lagP99Ms: number } | null
  /** Why the step stopped early or was not run; null when it completed. */
  stopped: string | null
  /** The server's own warnings and errors during the step (first few). */
  serverLog: string[]
  loadAverage: number[]
  /** With --profile: where the server's CPU time went during the measured window. */
  profile?: { file: string; hotSpots: HotSpot[] }
  /** With --profile (memory): heap growth per idle attendee by constructor. */
  heapPerAttendee?: Array<{ name: string; bytesEach: number; countEach: number }>
}

/** Thrown to end a step early; the step is reported as stopped with the message. */
export class StepStopped extends Error {}
