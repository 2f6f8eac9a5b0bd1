import type { JoinReport } from '../gen/roles/join.ts'
import { mb, mergeCounts, round } from '../harness/numbers.ts'
import { defineScenario, type Measured, type Step } from '../harness/scenario.ts'
import { summarizeEncoded } from '../stats/histogram.ts'

/**
 * Join storm: new attendees arrive at increasing rates. On Podium each one calls
 * POST /api/join, connects and syncs its documents; on a relay there is no join call,
 * only connect and sync. Arrivals stay connected, as people who join a room do.
 */
export const joins = defineScenario({
  name: 'joins',
  points: (plan) => plan.joins.rates,
  params: (rate, plan) => ({ joinsPerSecond: rate, seconds: plan.joins.durationSec }),
  announce: (kind, rate, plan) => `joins: ${kind}, ${rate}/s for ${plan.joins.durationSec} s`,
  measure: joinStep,
  summary: ({ metrics: m }) =>
    `errors ${m.errors}, join-to-synced p50 ${m.p50} ms, p99 ${m.p99} ms, server CPU ${m.serverCpuPercent} %`,
})

async function joinStep({ ctx, target, track, point: rate }: Step<number>): Promise<Measured> {
  const { durationSec, timeoutMs } = ctx.plan.joins
  const total = rate * durationSec
  const room = await target.newRoom(`Joins ${rate}/s`)
  // One generator per 500 joins/s keeps each generator's own HTTP and TLS-free work small.
  const generators = Math.max(1, Math.ceil(rate / 500))
  const slots = Array.from({ length: generators }, (_, i) => i)
  const pool = track.pool('join', slots, 1, (_slice, _i, of) => ({
    role: 'join',
    params: {
      endpoint: target.endpoint,
      join: room.code ? { httpUrl: target.httpUrl, code: room.code } : null,
      publicDoc: room.publicDoc,
      ownDocPrefix: room.ownDocPrefix,
      ratePerSecond: rate / of,
      count: Math.round(total / of),
      leave: 'at-stop',
      timeoutMs,
    },
  }))
  await pool.phase('ready', 30_000)
  await track.startProfile()
  track.sampler.start()
  pool.signal('go')
  const reports = await track.guarded(
    pool.phase<JoinReport>('report', durationSec * 1000 + timeoutMs + 30_000),
  )
  track.sampler.stop()
  const profile = await track.stopProfile(`joins-${rate}`)
  pool.signal('close')
  const errors = mergeCounts(reports.map((r) => r.errors))
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0)
  const latency = summarizeEncoded(reports.map((r) => r.joinToSyncedMs))
  const http = summarizeEncoded(reports.map((r) => r.httpMs))
  const server = track.sampler.summary(target.pid)
  const synced = reports.reduce((n, r) => n + r.synced, 0)
  return {
    metrics: {
      attempted: reports.reduce((n, r) => n + r.attempted, 0),
      synced,
      errors: errorCount,
      errorKinds: errorCount ? JSON.stringify(errors) : '',
      p50: latency.p50,
      p90: latency.p90,
      p99: latency.p99,
      max: latency.max,
      httpP50: room.code ? http.p50 : null,
      httpP99: room.code ? http.p99 : null,
      serverCpuPercent: round(server.cpuPercent),
      serverCpuMsPerJoin: round(
        (track.sampler.cpuSeconds(target.pid) * 1000) / Math.max(1, synced),
        3,
      ),
      serverRssMb: mb(server.rssEndBytes),
    },
    server,
    generators: track.generatorUsage(reports.map((r) => r.lag.p99)),
    ...(profile ? { profile } : {}),
  }
}
