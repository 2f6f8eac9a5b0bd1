import { newPoll, PublicPolls } from '@podium/shared'
import { Generator } from '../gen/pool.ts'
import type { AnswerReady, AnswerReport, WaveReport } from '../gen/roles/answer.ts'
import type { PollProjectorReport } from '../gen/roles/poll-projector.ts'
import { Moderator, questionIds } from '../harness/moderator.ts'
import { mb, mergeCounts, round } from '../harness/numbers.ts'
import { defineScenario, type Measured, type Step } from '../harness/scenario.ts'
import { summarizeEncoded } from '../stats/histogram.ts'
import { TargetKind } from '../targets/index.ts'
import { sessionRows } from './stored-rows.ts'

/**
 * Poll storm: N attendees each answer one open poll once within the plan's window; a
 * projector notes when each new total arrives. Then, in the same server, the same
 * attendees each cast one vote within the same window: the baseline the answers' CPU is
 * compared with (an answer and a vote are both outbox entries the ingest decides and
 * counts in a table). Podium only: a bare relay has no server that counts.
 *
 * Reported: every answer counted (counted against accepted, per option), how long after
 * it was written each answer showed in the projector's total (p50, p99, max) and how long
 * after the last one the projector showed them all (the projector holds the moderators'
 * document, where results are written every 250 ms), the same for the room's results
 * (the public document, written less often the larger the audience), CPU per answer
 * beside CPU per vote and their ratio, the server's memory.
 */
export const polls = defineScenario({
  name: 'polls',
  points: (plan) => plan.polls.attendees,
  targets: () => [TargetKind.podium],
  params: (attendees, plan) => ({ attendees, windowMs: plan.polls.durationMs }),
  announce: (kind, attendees, plan) =>
    `polls: ${kind}, ${attendees} attendees answering one poll within ${plan.polls.durationMs / 1000} s, then voting once`,
  measure: pollStep,
  summary: ({ metrics: m }) =>
    `counted ${m.counted} of ${m.answers}; shown p50 ${m.shownP50} ms, p99 ${m.shownP99} ms, all ${m.allShownAfterLastMs} ms after the last (room p50 ${m.roomShownP50}, p99 ${m.roomShownP99}, all ${m.roomAllShownAfterLastMs}); CPU ${m.cpuUsPerAnswer} µs/answer vs ${m.cpuUsPerVote} µs/vote (×${m.answerToVoteCpu}); RSS ${m.serverRssMb} MB`,
})

/** How long the projector may take, after the last answer, to show them all. */
const SETTLE_MS = 20_000
const OPTIONS = 4

async function pollStep({ ctx, target, track, point: count }: Step<number>): Promise<Measured> {
  const { durationMs, connectRate } = ctx.plan.polls
  const room = await target.newRoom(`Poll ${count}`)
  const people = await room.attendees(count)
  const [questionId] = questionIds('q', 1) as [string]
  const poll = newPoll({
    kind: 'single',
    question: 'Which talk next?',
    options: ['Security', 'Scaling', 'Design', 'Operations'],
    status: 'open',
  })
  const moderator = await Moderator.connect(target, room)
  await moderator.publish([questionId])
  const acks = moderator.acks
  new PublicPolls(moderator.doc).putPoll(poll)
  await moderator.settled(acks + 1)
  moderator.close()

  const pool = track.pool('answer', people, ctx.plan.clientsPerGenerator, (slice, _i, of) => ({
    role: 'answer',
    params: {
      endpoint: target.endpoint,
      attendees: slice,
      connectRate: connectRate / of,
      pollId: poll.id,
      options: OPTIONS,
      questionId,
      durationMs,
    },
  }))
  const viewer = new Generator('poll-projector', ctx.root, ctx.cpus.generators)
  try {
    const ready = await track.guarded(
      pool.phase<AnswerReady>('ready', (count / connectRate) * 1000 + 180_000),
    )
    // The projector connects once the audience has: the connection storm is not measured.
    viewer.start({
      role: 'poll-projector',
      params: {
        endpoint: target.endpoint,
        viewer: room.moderator,
        pollId: poll.id,
        settleMs: SETTLE_MS,
      },
    })
    // A server still taking in 10,000 arrivals on a busy machine may take a while.
    await track.guarded(viewer.phase('ready', 180_000))

    // The answers, and the projector's view of them.
    await track.startProfile()
    track.sampler.start()
    viewer.signal('go')
    pool.signal('answer')
    const answered = await track.guarded(pool.phase<WaveReport>('answered', durationMs + 90_000))
    const accepted = answered.reduce((n, r) => n + r.accepted, 0)
    viewer.signal('expect', accepted)
    const seen = await track.guarded(
      viewer.phase<PollProjectorReport>('report', SETTLE_MS + 60_000),
    )
    track.sampler.stop()
    const profile = await track.stopProfile(`polls-${count}`)
    const answerCpu = track.sampler.cpuSeconds(target.pid)
    const answerServer = track.sampler.summary(target.pid)

    // The baseline: the same people, one vote each, in the same window.
    track.sampler.start()
    pool.signal('vote')
    const voted = await track.guarded(pool.phase<WaveReport>('voted', durationMs + 90_000))
    track.sampler.stop()
    const voteCpu = track.sampler.cpuSeconds(target.pid)
    const voteServer = track.sampler.summary(target.pid)
    const reports = await track.guarded(pool.phase<AnswerReport>('report', 60_000))
    pool.signal('close')
    viewer.signal('close')

    const sentAt = answered.flatMap((r) => r.sentAt).sort((a, b) => a - b)
    const shown = shownAfter(sentAt, seen.totals)
    const last = sentAt.at(-1) ?? 0
    const allShown = seen.totals.find(([, total]) => total >= sentAt.length)?.[0] ?? null
    // The room (every attendee's public document) follows less often, by design.
    const roomShown = shownAfter(sentAt, seen.roomTotals)
    const roomAll = seen.roomTotals.find(([, total]) => total >= sentAt.length)?.[0] ?? null
    const answers = answered.reduce((n, r) => n + r.sent, 0)
    const votes = voted.reduce((n, r) => n + r.sent, 0)
    const wanted = mergeCounts(reports.map((r) => Object.fromEntries(r.choices.entries())))
    const cpuUsPerAnswer = answers ? round((answerCpu * 1e6) / answers, 1) : null
    const cpuUsPerVote = votes ? round((voteCpu * 1e6) / votes, 1) : null
    const answerReceipt = summarizeEncoded(answered.map((r) => r.receiptMs))
    const voteReceipt = summarizeEncoded(voted.map((r) => r.receiptMs))
    return {
      metrics: {
        connected: ready.reduce((n, r) => n + r.connected, 0),
        failures: JSON.stringify(ready.map((r) => r.failures)),
        answers,
        accepted,
        rejected: JSON.stringify(mergeCounts(answered.map((r) => r.rejected))),
        unreceipted: answered.reduce((n, r) => n + r.unreceipted, 0),
        counted: seen.totals.at(-1)?.[1] ?? 0,
        countsMatch:
          JSON.stringify(seen.counts) ===
          JSON.stringify(Array.from({ length: OPTIONS }, (_, i) => wanted[String(i)] ?? 0)),
        shownP50: shown.p50,
        shownP99: shown.p99,
        shownMax: shown.max,
        allShownAfterLastMs: allShown === null ? null : allShown - last,
        roomShownP50: roomShown.p50,
        roomShownP99: roomShown.p99,
        roomAllShownAfterLastMs: roomAll === null ? null : roomAll - last,
        projectorUpdates: seen.updates,
        projectorClosed: seen.closed,
        answerReceiptP50: answerReceipt.p50,
        answerReceiptP99: answerReceipt.p99,
        votes,
        votesAccepted: voted.reduce((n, r) => n + r.accepted, 0),
        voteReceiptP50: voteReceipt.p50,
        voteReceiptP99: voteReceipt.p99,
        cpuUsPerAnswer,
        cpuUsPerVote,
        answerToVoteCpu:
          cpuUsPerAnswer && cpuUsPerVote ? round(cpuUsPerAnswer / cpuUsPerVote, 2) : null,
        serverCpuPercentAnswers: round(answerServer.cpuPercent),
        serverCpuPercentVotes: round(voteServer.cpuPercent),
        serverRssMb: mb(Math.max(answerServer.rssMaxBytes, voteServer.rssMaxBytes)),
        droppedClients: reports.reduce((n, r) => n + r.dropped, 0),
        ...(target.dataDir ? sessionRows(target.dataDir, room.publicDoc) : {}),
      },
      server: answerServer,
      generators: track.generatorUsage([...reports.map((r) => r.lag.p99), seen.lag.p99]),
      ...(profile ? { profile } : {}),
    }
  } finally {
    await viewer.stop()
  }
}

/**
 * How long after it was written each answer showed: the k-th answer written (in time
 * order) against the moment the projector's total first reached k.
 */
export function shownAfter(
  sentAt: readonly number[],
  totals: ReadonlyArray<readonly [number, number]>,
): { p50: number | null; p99: number | null; max: number | null } {
  const delays: number[] = []
  let t = 0
  for (let k = 1; k <= sentAt.length; k++) {
    while (t < totals.length && totals[t]![1] < k) t++
    const seenAt = totals[t]?.[0]
    if (seenAt === undefined) break
    delays.push(Math.max(0, seenAt - sentAt[k - 1]!))
  }
  if (delays.length < sentAt.length || delays.length === 0)
    return { p50: null, p99: null, max: null }
  delays.sort((a, b) => a - b)
  const at = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]!
  return { p50: at(0.5), p99: at(0.99), max: delays.at(-1)! }
}
