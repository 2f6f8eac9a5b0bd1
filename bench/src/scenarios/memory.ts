import type { AttendReady } from '../gen/roles/attend.ts'
import type { JoinReport } from '../gen/roles/join.ts'
import { mb, mergeCounts, round } from '../harness/numbers.ts'
import { defineScenario, type Measured, type Step } from '../harness/scenario.ts'
import type { Plan } from '../plan.ts'
import { heapGrowth, Inspector } from '../proc/inspector.ts'
import { readProc } from '../proc/sampler.ts'

interface Reading {
  rssBytes: number
  heapUsedBytes: number
}

/**
 * Memory: the server's RSS and V8 heap per connected idle attendee (after a full GC,
 * through the inspector), then after rounds of joins and leaves: memory that grows
 * from one round to the next and stays after GC is a leak.
 */
export const memory = defineScenario({
  name: 'memory',
  points: (plan) => [plan.memory],
  params: ({ idle, churn, rounds }) => ({ idleAttendees: idle, churnJoins: churn, rounds }),
  announce: (kind, { idle, churn, rounds }) =>
    `memory: ${kind}, ${idle} idle attendees, ${rounds} × ${churn} joins and leaves`,
  measure: memoryStep,
  summary: ({ metrics: m }) =>
    `${m.kbPerIdleAttendee} KB RSS (${m.heapKbPerIdleAttendee} KB heap) per idle attendee; heap after rounds ${m.heapAfterRoundsMb} MB, growth in the last round ${m.heapGrowthLastRoundMb} MB`,
})

async function memoryStep({ ctx, target, track, point }: Step<Plan['memory']>): Promise<Measured> {
  const { idle, churn, churnRate, rounds, connectRate, gcPauseMs } = point
  const inspector = await Inspector.connect(target.inspectorUrl)
  const read = async (): Promise<Reading> => {
    await new Promise((r) => setTimeout(r, gcPauseMs))
    await inspector.collectGarbage()
    await inspector.collectGarbage()
    const usage = await inspector.memoryUsage()
    return { rssBytes: readProc(target.pid)?.rssBytes ?? 0, heapUsedBytes: usage.heapUsed }
  }
  try {
    const room = await target.newRoom('Memory')
    const attendees = await room.attendees(idle)
    const base = await read()
    const baseHeap = ctx.profile ? await inspector.heapSummary() : null

    const pool = track.pool('idle', attendees, ctx.plan.clientsPerGenerator, (slice, _i, of) => ({
      role: 'attend',
      params: {
        endpoint: target.endpoint,
        attendees: slice,
        connectRate: connectRate / of,
        expectedPublishes: 0,
      },
    }))
    const ready = await track.guarded(
      pool.phase<AttendReady>('ready', (idle / connectRate) * 1000 + 150_000),
    )
    const connected = ready.reduce((n, r) => n + r.connected, 0)
    // Idle for one awareness renewal period, so every client has renewed once; the
    // server's CPU meanwhile is what idle attendees cost (keepalives, timers).
    track.sampler.start()
    await new Promise((r) => setTimeout(r, ctx.plan.name === 'quick' ? 2_000 : 16_000))
    track.sampler.stop()
    const idleCpu = track.sampler.summary(target.pid).cpuPercent
    const loaded = await read()
    // With --profile: what one idle attendee costs, by constructor, from two heap snapshots.
    const perAttendee =
      baseHeap && connected ? heapGrowth(baseHeap, await inspector.heapSummary(), connected) : null
    pool.signal('measure')
    pool.signal('collect', 0)
    await pool.phase('report', 60_000)
    pool.signal('close')
    await pool.phase('finished', 60_000)
    const left = await read()

    const afterRounds: Reading[] = []
    const churnErrors: Array<Record<string, number>> = []
    for (let round = 0; round < rounds; round++) {
      const generators = Math.max(1, Math.ceil(churnRate / 500))
      const churnPool = track.pool(
        `churn${round}`,
        Array.from({ length: generators }, (_, i) => i),
        1,
        (_s, _i, of) => ({
          role: 'join',
          params: {
            endpoint: target.endpoint,
            join: room.code ? { httpUrl: target.httpUrl, code: room.code } : null,
            publicDoc: room.publicDoc,
            ownDocPrefix: room.ownDocPrefix,
            ratePerSecond: churnRate / of,
            count: Math.round(churn / of),
            leave: 'when-synced',
            timeoutMs: 30_000,
          },
        }),
      )
      await churnPool.phase('ready', 30_000)
      churnPool.signal('go')
      const reports = await track.guarded(
        churnPool.phase<JoinReport>('report', (churn / churnRate) * 1000 + 60_000),
      )
      churnErrors.push(...reports.map((r) => r.errors))
      churnPool.signal('close')
      await churnPool.phase('finished', 60_000)
      afterRounds.push(await read())
    }
    const last = afterRounds.at(-1) ?? left
    const previous = afterRounds.at(-2) ?? left
    const errors = mergeCounts(churnErrors)
    return {
      metrics: {
        connected,
        baseRssMb: mb(base.rssBytes),
        baseHeapMb: mb(base.heapUsedBytes),
        idleRssMb: mb(loaded.rssBytes),
        idleHeapMb: mb(loaded.heapUsedBytes),
        kbPerIdleAttendee: connected
          ? round((loaded.rssBytes - base.rssBytes) / 1024 / connected, 2)
          : null,
        heapKbPerIdleAttendee: connected
          ? round((loaded.heapUsedBytes - base.heapUsedBytes) / 1024 / connected, 2)
          : null,
        idleCpuPercent: round(idleCpu),
        afterLeaveRssMb: mb(left.rssBytes),
        afterLeaveHeapMb: mb(left.heapUsedBytes),
        rssAfterRoundsMb: afterRounds.map((r) => mb(r.rssBytes)).join(' → '),
        heapAfterRoundsMb: afterRounds.map((r) => mb(r.heapUsedBytes)).join(' → '),
        heapGrowthLastRoundMb: mb(last.heapUsedBytes - previous.heapUsedBytes),
        heapRetainedPerJoinBytes: round(
          (last.heapUsedBytes - left.heapUsedBytes) / Math.max(1, churn * rounds),
          1,
        ),
        churnErrors: Object.keys(errors).length ? JSON.stringify(errors) : 0,
      },
      ...(perAttendee ? { heapPerAttendee: perAttendee } : {}),
    }
  } finally {
    inspector.close()
  }
}
