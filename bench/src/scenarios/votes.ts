import { Generator } from '../gen/pool.ts'
import type { ProbeReport } from '../gen/roles/probe.ts'
import type { VoteReady, VoteReport } from '../gen/roles/vote.ts'
import { Moderator, questionIds } from '../harness/moderator.ts'
import { mb, mergeCounts, round } from '../harness/numbers.ts'
import { defineScenario, type Measured, type Step } from '../harness/scenario.ts'
import { summarizeEncoded } from '../stats/histogram.ts'
import { isPodium } from '../targets/index.ts'

/**
 * Vote storm: N attendees vote and unvote on random questions at a total rate R.
 * Probes time how long until another client sees a new tally; at the end every
 * question's tally is compared with what the voters last asked for.
 */
export const votes = defineScenario({
  name: 'votes',
  points: (plan) => plan.votes.rates,
  params: (rate, plan) => ({ attendees: plan.votes.attendees, votesPerSecond: rate }),
  announce: (kind, rate, plan) =>
    `votes: ${kind}, ${plan.votes.attendees} attendees, ${rate} votes/s`,
  measure: voteStep,
  summary: ({ metrics: m }) =>
    `tally p50 ${m.tallyP50} ms, p99 ${m.tallyP99} ms, lost ${m.lost}, doubled ${m.doubled}, sent ${m.sentPerSecond}/s, server CPU ${m.serverCpuPercent} %`,
})

/** How long the observer's tallies may take to match what every voter last asked for. */
const SETTLE_MS = 15_000

async function voteStep({ ctx, target, track, point: rate }: Step<number>): Promise<Measured> {
  const { attendees: count, durationMs, questions, probes, connectRate } = ctx.plan.votes
  const mode = isPodium(target.kind) ? 'podium' : 'relay'
  const room = await target.newRoom(`Votes ${rate}/s`)
  const people = await room.attendees(count + probes + 1)
  const stormIds = questionIds('q', questions)
  const probeIds = questionIds('p', probes)
  const moderator = await Moderator.connect(target, room)
  await moderator.publish([...stormIds, ...probeIds])
  moderator.close()

  const voters = people.slice(0, count)
  const pool = track.pool('vote', voters, ctx.plan.clientsPerGenerator, (slice, _i, of) => ({
    role: 'vote',
    params: {
      endpoint: target.endpoint,
      attendees: slice,
      connectRate: connectRate / of,
      questionIds: stormIds,
      ratePerSecond: rate / of,
      durationMs,
      mode,
    },
  }))
  const prober = new Generator('probe', ctx.root, ctx.cpus.generators)
  try {
    prober.start({
      role: 'probe',
      params: {
        endpoint: target.endpoint,
        observer: people[count + probes]!,
        voters: people.slice(count, count + probes),
        probeQuestionIds: probeIds,
        allQuestionIds: [...stormIds, ...probeIds],
        mode,
        durationMs,
        settleMs: SETTLE_MS,
      },
    })
    const ready = await track.guarded(
      pool.phase<VoteReady>('ready', (count / connectRate) * 1000 + 150_000),
    )
    await prober.phase('ready', 60_000)
    await track.startProfile()
    track.sampler.start()
    pool.signal('go')
    prober.signal('go')
    await track.guarded(pool.phase('sent', durationMs + 60_000))
    track.sampler.stop()
    const profile = await track.stopProfile(`votes-${rate}`)
    const reports = await track.guarded(pool.phase<VoteReport>('report', 60_000))
    await track.guarded(prober.phase('probed', durationMs + 30_000))
    const storm = mergeCounts(reports.map((r) => r.tallies))
    prober.signal('final', storm)
    const probe = await track.guarded(prober.phase<ProbeReport>('report', 60_000))
    pool.signal('close')
    prober.signal('close')

    const tally = summarizeEncoded([probe.tallyMs])
    const receipt = summarizeEncoded(reports.map((r) => r.receiptMs))
    const sent = reports.reduce((n, r) => n + r.sent, 0)
    const server = track.sampler.summary(target.pid)
    return {
      metrics: {
        connected: ready.reduce((n, r) => n + r.connected, 0),
        sent,
        sentPerSecond: round(sent / (durationMs / 1000)),
        tallyP50: tally.p50,
        tallyP90: tally.p90,
        tallyP99: tally.p99,
        tallyMax: tally.max,
        tallySamples: tally.count,
        tallyTimeouts: probe.timedOut,
        converged: probe.converged,
        lost: probe.lost,
        doubled: probe.doubled,
        mismatchedQuestions: probe.mismatched,
        convergeMs: round(probe.convergeMs),
        probeCloses: probe.closes.join('; '),
        receiptP50: mode === 'podium' ? receipt.p50 : null,
        receiptP99: mode === 'podium' ? receipt.p99 : null,
        accepted: mode === 'podium' ? reports.reduce((n, r) => n + r.accepted, 0) : null,
        rejected: JSON.stringify(mergeCounts(reports.map((r) => r.rejected))),
        unreceipted: mode === 'podium' ? reports.reduce((n, r) => n + r.unreceipted, 0) : null,
        droppedClients: reports.reduce((n, r) => n + r.dropped, 0),
        serverCpuPercent: round(server.cpuPercent),
        serverCpuUsPerVote: sent
          ? round((track.sampler.cpuSeconds(target.pid) * 1e6) / sent, 1)
          : null,
        serverRssMb: mb(server.rssMaxBytes),
      },
      server,
      generators: track.generatorUsage([...reports.map((r) => r.lag.p99), probe.lag.p99]),
      ...(profile ? { profile } : {}),
    }
  } finally {
    await prober.stop()
  }
}
