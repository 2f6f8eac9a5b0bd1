import { TargetKind } from './targets/index.ts'

/** What one invocation measures. `full` is `npm run bench`; `quick` is the CI regression step. */
export interface Plan {
  name: 'full' | 'quick'
  targets: TargetKind[]
  /** Simulated clients one generator process holds at most. */
  clientsPerGenerator: number
  /** A step stops (and larger sizes are skipped) when the server's RSS passes this. */
  rssLimitBytes: number
  fanout: { sizes: number[]; everyMs: number; publishes: number; connectRate: number }
  votes: {
    attendees: number
    rates: number[]
    durationMs: number
    questions: number
    probes: number
    connectRate: number
  }
  joins: { rates: number[]; durationSec: number; timeoutMs: number }
  lateJoin: {
    questions: number
    votes: number
    voters: number
    replies: number
    newClients: number
    chromium: boolean
  }
  memory: {
    idle: number
    churn: number
    churnRate: number
    rounds: number
    connectRate: number
    /** Pause before each reading, so closing sockets and timers have settled. */
    gcPauseMs: number
  }
  api: { rates: number[]; durationSec: number; connections: number }
  /** Attendees each reacting once a second for `durationMs` (Podium only). */
  reactions: { attendees: number[]; durationMs: number; connectRate: number }
  /** Attendees each answering one poll within `durationMs`, then voting once (Podium only). */
  polls: { attendees: number[]; durationMs: number; connectRate: number }
}

const ALL_TARGETS = [TargetKind.podium, TargetKind.hocuspocus, TargetKind.yWebsocket]

export const FULL: Plan = {
  name: 'full',
  targets: ALL_TARGETS,
  clientsPerGenerator: 3_500,
  rssLimitBytes: 6 * 1024 ** 3,
  fanout: {
    sizes: [250, 1_000, 2_500, 5_000, 10_000],
    everyMs: 100,
    publishes: 100,
    // A ramp the slowest server keeps up with (Podium: 2–4 ms of CPU per attendee joining).
    connectRate: 150,
  },
  votes: {
    attendees: 1_000,
    rates: [500, 2_000, 5_000],
    durationMs: 10_000,
    questions: 100,
    probes: 8,
    connectRate: 250,
  },
  joins: { rates: [100, 500, 1_000], durationSec: 5, timeoutMs: 30_000 },
  lateJoin: {
    questions: 5_000,
    votes: 50_000,
    voters: 1_000,
    replies: 500,
    newClients: 20,
    chromium: true,
  },
  memory: {
    idle: 10_000,
    // Two rounds of 5,000: 10,000 joins and leaves, and a round-to-round comparison.
    churn: 5_000,
    churnRate: 100,
    rounds: 2,
    connectRate: 150,
    gcPauseMs: 2_000,
  },
  api: { rates: [250, 500, 1_000, 2_000], durationSec: 5, connections: 20 },
  reactions: { attendees: [10_000], durationMs: 60_000, connectRate: 200 },
  // Connecting is not what is measured: a slower ramp keeps a busy shared machine from
  // refusing connections before the storm begins.
  polls: { attendees: [10_000], durationMs: 10_000, connectRate: 100 },
}

/** Under two minutes on an idle 2-core machine: small sizes, short windows; compared with bench/baseline.json. */
export const QUICK: Plan = {
  name: 'quick',
  targets: ALL_TARGETS,
  clientsPerGenerator: 3_500,
  rssLimitBytes: 2 * 1024 ** 3,
  fanout: { sizes: [1_000], everyMs: 100, publishes: 50, connectRate: 1_000 },
  votes: {
    attendees: 100,
    rates: [300],
    durationMs: 4_000,
    questions: 30,
    probes: 4,
    connectRate: 1_000,
  },
  joins: { rates: [100], durationSec: 3, timeoutMs: 10_000 },
  lateJoin: {
    questions: 300,
    votes: 3_000,
    voters: 100,
    replies: 30,
    newClients: 8,
    chromium: false,
  },
  memory: { idle: 300, churn: 300, churnRate: 300, rounds: 1, connectRate: 1_000, gcPauseMs: 500 },
  api: { rates: [200], durationSec: 1, connections: 10 },
  reactions: { attendees: [300], durationMs: 4_000, connectRate: 1_000 },
  polls: { attendees: [300], durationMs: 3_000, connectRate: 1_000 },
}
