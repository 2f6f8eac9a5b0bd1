import { Generator } from '../gen/pool.ts'
import type { ProjectorReport } from '../gen/roles/projector.ts'
import type { ReactReady, ReactReport } from '../gen/roles/react.ts'
import { mb, round } from '../harness/numbers.ts'
import { defineScenario, type Measured, type Step } from '../harness/scenario.ts'
import { summarizeEncoded } from '../stats/histogram.ts'
import { TargetKind } from '../targets/index.ts'
import { sessionRows } from './stored-rows.ts'

/**
 * Reaction storm: N attendees each react once a second for the plan's duration, as
 * stateless messages the server counts; a projector times each window's counts from the
 * end of the window to their arrival. Podium only: a bare relay has no server that counts.
 * Shows how reactions are carried: public-document updates per second (one per window,
 * whatever N is), counted against sent, and the server's CPU and memory.
 */
export const reactions = defineScenario({
  name: 'reactions',
  points: (plan) => plan.reactions.attendees,
  targets: () => [TargetKind.podium],
  params: (attendees, plan) => ({
    attendees,
    reactionsPerSecond: attendees,
    durationMs: plan.reactions.durationMs,
  }),
  announce: (kind, attendees, plan) =>
    `reactions: ${kind}, ${attendees} attendees reacting once a second for ${plan.reactions.durationMs / 1000} s`,
  measure: reactStep,
  summary: ({ metrics: m }) =>
    `late p50 ${m.lateP50} ms, p99 ${m.lateP99} ms, max ${m.lateMax} ms; counted ${m.counted} of ${m.sent} (all ${m.allShownAfterSentMs} ms after the last sent); ${m.updatesPerSecond} updates/s; server CPU ${m.serverCpuPercent} %, RSS ${m.serverRssMb} MB`,
})

/** How long, at most, the projector waits after the last reaction for every one to be counted. */
const SETTLE_MS = 10_000

async function reactStep({ ctx, target, track, point: count }: Step<number>): Promise<Measured> {
  const { durationMs, connectRate } = ctx.plan.reactions
  const room = await target.newRoom(`Reactions ${count}`)
  const people = await room.attendees(count)
  const pool = track.pool('react', people, ctx.plan.clientsPerGenerator, (slice, _i, of) => ({
    role: 'react',
    params: {
      endpoint: target.endpoint,
      attendees: slice,
      connectRate: connectRate / of,
      perAttendeePerSecond: 1,
      durationMs,
    },
  }))
  const viewer = new Generator('projector', ctx.root, ctx.cpus.generators)
  try {
    const ready = await track.guarded(
      pool.phase<ReactReady>('ready', (count / connectRate) * 1000 + 180_000),
    )
    // The projector connects once the audience has: a connection held through a busy
    // machine's connection storm may not survive it, and the storm is not what is measured.
    viewer.start({
      role: 'projector',
      params: { endpoint: target.endpoint, viewer: room.moderator, settleMs: SETTLE_MS },
    })
    await track.guarded(viewer.phase('ready', 180_000))
    await track.startProfile()
    track.sampler.start()
    viewer.signal('go')
    pool.signal('go')
    const sentPhase = await track.guarded(pool.phase<{ sent: number }>('sent', durationMs + 60_000))
    viewer.signal(
      'sent',
      sentPhase.reduce((n, r) => n + r.sent, 0),
    )
    const reports = await track.guarded(pool.phase<ReactReport>('report', 60_000))
    const seen = await track.guarded(viewer.phase<ProjectorReport>('report', SETTLE_MS + 60_000))
    track.sampler.stop()
    const profile = await track.stopProfile(`reactions-${count}`)
    pool.signal('close')
    viewer.signal('close')

    const sent = reports.reduce((n, r) => n + r.sent, 0)
    const late = summarizeEncoded([seen.lateMs])
    const server = track.sampler.summary(target.pid)
    const windows = Object.values(seen.windows)
    return {
      metrics: {
        connected: ready.reduce((n, r) => n + r.connected, 0),
        failures: JSON.stringify(ready.map((r) => r.failures)),
        sent,
        sentPerSecond: round(sent / (durationMs / 1000)),
        counted: seen.total,
        lost: sent - seen.total,
        allShownAfterSentMs: seen.allShownAfterSentMs,
        windowsSeen: windows.length,
        medianWindowTotal: windows.length
          ? windows.slice().sort((a, b) => a - b)[Math.floor(windows.length / 2)]!
          : 0,
        lateP50: late.p50,
        lateP99: late.p99,
        lateMax: late.max,
        updatesPerSecond: round(seen.updates / (seen.watchedMs / 1000), 2),
        projectorClosed: seen.closed,
        droppedClients: reports.reduce((n, r) => n + r.dropped, 0),
        serverCpuPercent: round(server.cpuPercent),
        serverCpuUsPerReaction: sent
          ? round((track.sampler.cpuSeconds(target.pid) * 1e6) / sent, 1)
          : null,
        serverRssMb: mb(server.rssMaxBytes),
        // How it is carried: a row per window and a public update per window, not per reaction.
        ...(target.dataDir ? sessionRows(target.dataDir, room.publicDoc) : {}),
      },
      server,
      generators: track.generatorUsage([...reports.map((r) => r.lag.p99), seen.lag.p99]),
      ...(profile ? { profile } : {}),
    }
  } finally {
    await viewer.stop()
  }
}
