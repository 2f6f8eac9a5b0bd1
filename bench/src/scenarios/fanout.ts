import { Generator } from '../gen/pool.ts'
import type { AttendReady, AttendReport } from '../gen/roles/attend.ts'
import type { PublishDone, PublishReady } from '../gen/roles/publish.ts'
import { type StepResult, StepStopped } from '../harness/context.ts'
import { mb, mergeCounts, round } from '../harness/numbers.ts'
import { defineScenario, type Measured, type Step } from '../harness/scenario.ts'
import { summarizeEncoded } from '../stats/histogram.ts'

/**
 * Fan-out: N attendees in one session; a moderator publishes a question every
 * `everyMs`; every arrival at every client is timed. Sizes grow until a step fails,
 * and the larger ones are then reported as not run, with the reason.
 */
export const fanout = defineScenario({
  name: 'fanout',
  // Sizes outer, servers inner: the servers at one size are measured minutes apart, not
  // a quarter of an hour, so a change in the machine's load hits them alike.
  points: (plan) => plan.fanout.sizes,
  params: (size, plan) => ({
    attendees: size,
    everyMs: plan.fanout.everyMs,
    publishes: plan.fanout.publishes,
  }),
  announce: (kind, size) => `fan-out: ${kind}, ${size} attendees`,
  measure: fanoutStep,
  summary: (r) => {
    const m = r.metrics
    return `p50 ${m.p50} ms, p99 ${m.p99} ms, max ${m.max} ms, delivered ${m.deliveredPercent} %, server CPU ${r.server?.cpuPercent} %, RSS ${m.serverRssMb} MB, generator lag p99 ${r.generators?.lagP99Ms} ms`
  },
  ruleOut: (result, size) => {
    const failed = result.stopped ?? failedBecause(result)
    return failed ? `${size} attendees already failed (${failed})` : null
  },
})

/** A step that completed but failed the service bar: the next size would only be worse. */
function failedBecause(result: StepResult): string | null {
  const m = result.metrics
  if (typeof m.connected === 'number' && m.connected < (result.params.attendees as number) * 0.99) {
    return `only ${m.connected} of ${result.params.attendees} connected`
  }
  if (typeof m.deliveredPercent === 'number' && m.deliveredPercent < 99) {
    return `${m.deliveredPercent} % of updates delivered`
  }
  if (typeof m.p99 === 'number' && m.p99 > 2_000) return `p99 ${m.p99} ms`
  return null
}

async function fanoutStep({ ctx, target, track, point: size }: Step<number>): Promise<Measured> {
  const { everyMs, publishes, connectRate } = ctx.plan.fanout
  const room = await target.newRoom(`Fan-out ${size}`)
  const attendees = await room.attendees(size)
  const pool = track.pool('attend', attendees, ctx.plan.clientsPerGenerator, (slice, _i, of) => ({
    role: 'attend',
    params: {
      endpoint: target.endpoint,
      attendees: slice,
      connectRate: connectRate / of,
      expectedPublishes: publishes,
    },
  }))
  const moderator = new Generator('publish', ctx.root, ctx.cpus.generators)
  try {
    moderator.start({
      role: 'publish',
      params: { endpoint: target.endpoint, moderator: room.moderator, everyMs, count: publishes },
    })
    const connectTimeout = (size / connectRate) * 1000 + 150_000
    const ready = await track.guarded(pool.phase<AttendReady>('ready', connectTimeout))
    const modReady = await moderator.phase<PublishReady>('ready', 30_000)
    if (!modReady.synced) throw new StepStopped(`moderator could not sync: ${modReady.denied}`)
    const connected = ready.reduce((n, r) => n + r.connected, 0)
    const failures = mergeCounts(ready.map((r) => r.failures))

    await track.startProfile()
    track.sampler.start()
    pool.signal('measure')
    await new Promise((r) => setTimeout(r, 300))
    moderator.signal('go')
    const done = await track.guarded(
      moderator.phase<PublishDone>('done', publishes * everyMs + 60_000),
    )
    await new Promise((r) => setTimeout(r, 1_000))
    track.sampler.stop()
    const profile = await track.stopProfile(`fanout-${size}`)
    pool.signal('collect', done.published)
    const reports = await pool.phase<AttendReport>('report', 60_000)
    pool.signal('close')
    moderator.signal('close')

    const latency = summarizeEncoded(reports.map((r) => r.latency))
    const connect = summarizeEncoded(ready.map((r) => r.connectMs))
    const delivered = reports.reduce((n, r) => n + r.delivered, 0)
    const expected = reports.reduce((n, r) => n + r.expected, 0)
    const server = track.sampler.summary(target.pid)
    return {
      metrics: {
        connected,
        connectFailures: Object.keys(failures).length ? JSON.stringify(failures) : 0,
        connectP50: connect.p50,
        connectP99: connect.p99,
        p50: latency.p50,
        p90: latency.p90,
        p99: latency.p99,
        max: latency.max,
        samples: latency.count,
        deliveredPercent: expected ? round((delivered / expected) * 100, 3) : 0,
        droppedClients: reports.reduce((n, r) => n + r.dropped, 0),
        replicaComplete: reports.every((r) => r.replicaComplete),
        publishSlipMs: round(done.maxSlipMs),
        serverCpuPercent: round(server.cpuPercent),
        serverRssMb: mb(server.rssEndBytes),
        serverCpuUsPerDelivery: delivered
          ? round((track.sampler.cpuSeconds(target.pid) * 1e6) / delivered, 2)
          : null,
      },
      server,
      generators: track.generatorUsage(reports.map((r) => r.lag.p99)),
      ...(profile ? { profile } : {}),
    }
  } finally {
    await moderator.stop()
  }
}
